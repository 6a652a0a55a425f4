//! The wizard for one task (design §2.3): which step it still needs, and each step's use case
//! (customer, product, contract; the review step syncs through `sync::sync_reviewed`).

mod choices;
mod company;
mod facts;
mod progress;

pub use choices::{
    CompanyOption, ServiceOption, WizardRefused, choose_contract, company_options,
    contract_choices, map_customer, map_product, service_options,
};
pub use company::{
    CompanySetup, CreateCompanyError, NewCompany, NewCompanyForm, company_setup,
    create_company_for_customer,
};
pub use facts::{Step, WizardFacts, facts_of_task, summary};
pub use progress::{StepProgress, TaskProgress, progress_of_task};
