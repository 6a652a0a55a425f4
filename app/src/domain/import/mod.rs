//! Bulk customer import from Autotask (design §2.4): the unmapped Autotask customers, whether
//! each profile is complete, Import All as a run with progress, and one company at a time from a
//! filled-in form. Each company is looked up in the marketplace by its Autotask reference before
//! it is created, so importing twice — or after a lost answer — never creates it twice.

mod companies;
mod create;
mod form;
mod overview;
mod profile;
mod run;

pub use companies::{CUSTOMER_COMPANY_TYPE, ImportableCompany, ListError, unmapped_companies};
pub use create::{CompanyToImport, codes, import_company, reason};
pub use form::{FormImportError, company_for_form, import_with_profile};
pub use overview::{CompanyRow, Overview, overview};
pub use profile::{
    CUSTOMER_LANGUAGE, FIELDS, FieldProblem, Profile, ProfileDraft, describe, e164,
    external_reference, new_customer,
};
pub use run::{
    Progress, RunResult, STALE_AFTER, StartError, is_going, latest_run, request_run, run_requested,
};
