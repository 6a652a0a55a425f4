//! The planner (design §4). A stand-in until the full rules land: increases at `d`, decreases
//! at the next period, a new contract service first when needed.

use crate::domain::billing_period::period_containing;
use crate::model::{
    journal::LineKind,
    plan::{PlanInput, PlanRefusal, PlannedLine},
    task::TaskType,
};

/// The planned lines of one task.
pub fn plan(input: &PlanInput) -> Result<Vec<PlannedLine>, PlanRefusal> {
    let d = input.effective_date;
    let period = period_containing(input.contract.start, input.contract.period, d)
        .ok_or(PlanRefusal::OutsideContract(d))?;
    let delta = match input.facts.task_type {
        TaskType::Reconcile => {
            let target = input.reconcile_quantity.ok_or(PlanRefusal::NoQuantity)?;
            target - input.on_contract.as_ref().map_or(0, |o| o.units_on(d))
        }
        _ => input
            .facts
            .quantities
            .delta
            .ok_or(PlanRefusal::NoQuantity)?,
    };
    let mut lines = Vec::new();
    let line = |n: i32, kind, date, current, change| PlannedLine {
        line_no: n,
        kind,
        service_id: input.service.id,
        service_name: input.service.name.clone(),
        invoice_description: input.service.invoice_description.clone(),
        effective_date: date,
        end_date: Some(period.end),
        current_quantity: current,
        quantity_change: change,
        charge_quantity: None,
        unit_price: None,
        unit_cost: None,
        detail: String::new(),
    };
    if input.on_contract.is_none() {
        let mut new = line(1, LineKind::NewContractService, d, 0, 0);
        new.unit_price = Some(input.service.price);
        new.unit_cost = Some(input.service.cost);
        lines.push(new);
    }
    if delta != 0 {
        let date = if delta > 0 {
            d
        } else {
            period.end.succ_opt().unwrap_or(period.end)
        };
        let current = input.on_contract.as_ref().map_or(0, |o| o.units_on(date));
        if current + delta < 0 {
            return Err(PlanRefusal::BelowZero {
                units: current,
                change: delta,
            });
        }
        lines.push(line(
            lines.len() as i32 + 1,
            LineKind::UnitChange,
            date,
            current,
            delta,
        ));
    }
    Ok(lines)
}
