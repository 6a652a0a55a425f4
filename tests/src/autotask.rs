//! Finding the Autotask sandbox's seeded records by name, for tests of the client and sandbox.

use psa_sync::autotask::{
    AutotaskClient, Filter, QueryBody,
    models::{BillingCode, Company, Contract, Service},
};

/// The first contract (by id) of a seeded company that matches `filter`.
pub async fn contract(client: &AutotaskClient, company: &str, filter: Vec<Filter>) -> Contract {
    let companies: Vec<Company> = client
        .query(
            "Companies",
            &QueryBody::new(vec![Filter::eq("companyName", company)]),
        )
        .await
        .expect("companies queried");
    let company = companies.first().expect("the seeded company");
    let mut all = vec![Filter::eq("companyID", company.id)];
    all.extend(filter);
    client
        .query::<Contract>("Contracts", &QueryBody::new(all))
        .await
        .expect("contracts queried")
        .into_iter()
        .next()
        .expect("a matching contract")
}

/// The id of the billing code with this name.
pub async fn billing_code(client: &AutotaskClient, name: &str) -> i64 {
    client
        .query::<BillingCode>(
            "BillingCodes",
            &QueryBody::new(vec![Filter::eq("name", name)]),
        )
        .await
        .expect("billing codes queried")
        .first()
        .expect("the seeded billing code")
        .id
}

/// The service with this name.
pub async fn service(client: &AutotaskClient, name: &str) -> Service {
    client
        .query::<Service>("Services", &QueryBody::new(vec![Filter::eq("name", name)]))
        .await
        .expect("services queried")
        .into_iter()
        .next()
        .expect("the seeded service")
}
