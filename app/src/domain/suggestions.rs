//! Finding the Autotask company or service a marketplace name means (design §2.3 steps 1–2):
//! a `contains` search on the name in Autotask, ranked by how alike the names are. The marketplace
//! and Autotask spell the same customer a little differently ("Contoso Limited" / "Contoso Ltd"),
//! so legal suffixes and punctuation are set aside before comparing.

use crate::autotask::{AutotaskApi, AutotaskApiExt, AutotaskError, Filter, QueryBody};

/// Words that say what kind of company it is, not which one.
const NOISE: [&str; 15] = [
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "plc",
    "llc",
    "llp",
    "gmbh",
    "ag",
    "bv",
    "sa",
    "co",
    "the",
    "and",
    "a",
];

/// Most records a search reads; the first few, by likeness, are shown.
const SEARCH_LIMIT: u32 = 200;
/// How many candidates a page shows.
pub const SHOWN: usize = 15;

/// The name reduced to what tells companies apart: lower case, letters and digits, no legal
/// suffixes ("A. Datum Corporation" → "datum corporation").
pub fn normalized(name: &str) -> String {
    let spaced: String = name
        .to_lowercase()
        .replace('&', " and ")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = spaced
        .split_whitespace()
        .filter(|w| !NOISE.contains(w))
        .collect();
    if words.is_empty() {
        spaced.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        words.join(" ")
    }
}

fn bigrams(text: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// How alike two names are, 0–100: the Sørensen–Dice coefficient of the letter pairs of their
/// normalized forms, as a rounded percentage.
pub fn similarity(a: &str, b: &str) -> u8 {
    let (a, b) = (normalized(a), normalized(b));
    if a == b {
        return 100;
    }
    let (left, mut right) = (bigrams(&a), bigrams(&b));
    let total = left.len() + right.len();
    if total == 0 {
        return 0;
    }
    let mut shared = 0usize;
    for pair in &left {
        if let Some(at) = right.iter().position(|p| p == pair) {
            right.swap_remove(at);
            shared += 1;
        }
    }
    let percent = (200 * shared + total / 2) / total;
    u8::try_from(percent.min(100)).unwrap_or(100)
}

/// An Autotask record that may be what a marketplace name means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    /// [`similarity`] to the marketplace name.
    pub likeness: u8,
}

/// Words of a name worth searching for ("Tailspin Toys Ltd" → tailspin, toys).
fn search_words(name: &str) -> Vec<String> {
    normalized(name)
        .split_whitespace()
        .filter(|w| w.chars().count() >= 3)
        .take(4)
        .map(str::to_owned)
        .collect()
}

/// The name filter: what the person typed, or else any significant word of the marketplace name.
fn name_filter(field: &str, typed: &str, name: &str) -> Option<Filter> {
    let typed = typed.trim();
    if !typed.is_empty() {
        return Some(Filter::contains(field, typed));
    }
    let mut words: Vec<Filter> = search_words(name)
        .iter()
        .map(|w| Filter::contains(field, w.as_str()))
        .collect();
    match words.len() {
        0 => None,
        1 => words.pop(),
        _ => Some(Filter::or(words)),
    }
}

/// Active records of `entity` whose `field` matches, most alike to `name` first.
async fn search(
    api: &impl AutotaskApi,
    entity: &str,
    field: &str,
    typed: &str,
    name: &str,
) -> Result<Vec<Candidate>, AutotaskError> {
    let Some(filter) = name_filter(field, typed, name) else {
        return Ok(Vec::new());
    };
    let query = QueryBody::new(vec![filter, Filter::eq("isActive", true)])
        .max_records(SEARCH_LIMIT)
        .include_fields(&["id", field]);
    let rows: Vec<serde_json::Value> = api.query_as(entity, &query).await?;
    let mut found: Vec<Candidate> = rows
        .iter()
        .filter_map(|row| {
            let id = row.get("id")?.as_i64()?;
            let text = row.get(field)?.as_str()?.to_owned();
            Some(Candidate {
                id,
                likeness: similarity(name, &text),
                name: text,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        b.likeness
            .cmp(&a.likeness)
            .then_with(|| a.name.cmp(&b.name))
            .then(a.id.cmp(&b.id))
    });
    found.truncate(SHOWN);
    Ok(found)
}

/// Autotask companies that may be the customer `name` (or match what was typed).
pub async fn companies_like(
    api: &impl AutotaskApi,
    name: &str,
    typed: &str,
) -> Result<Vec<Candidate>, AutotaskError> {
    search(api, "Companies", "companyName", typed, name).await
}

/// Autotask services that may be the product `name` (or match what was typed).
pub async fn services_like(
    api: &impl AutotaskApi,
    name: &str,
    typed: &str,
) -> Result<Vec<Candidate>, AutotaskError> {
    search(api, "Services", "name", typed, name).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_suffixes_and_punctuation_do_not_tell_companies_apart() {
        assert_eq!(normalized("Contoso Limited"), "contoso");
        assert_eq!(normalized("Fabrikam, Inc."), "fabrikam");
        assert_eq!(normalized("A. Datum Corporation"), "datum corporation");
        assert_eq!(normalized("City Power & Light"), "city power light");
        assert_eq!(normalized("The Ltd"), "the ltd");
    }

    #[test]
    fn the_same_company_spelt_two_ways_is_fully_alike() {
        assert_eq!(similarity("Contoso Limited", "Contoso Ltd"), 100);
        assert_eq!(
            similarity("City Power and Light", "City Power & Light"),
            100
        );
    }

    #[test]
    fn likeness_is_the_share_of_letter_pairs_in_common() {
        // night: ni ig gh ht; nacht: na ac ch ht → 2 × 1 shared / 8 pairs = 25 %.
        assert_eq!(similarity("night", "nacht"), 25);
        // "tailspin toys" has 12 pairs, "wingtip toys" 11; they share in, " t", to, oy, ys:
        // 2 × 5 / 23 = 43.5 % → 43.
        assert_eq!(similarity("Tailspin Toys Ltd", "Wingtip Toys"), 43);
        assert_eq!(similarity("abc", "xyz"), 0);
    }

    #[test]
    fn a_search_without_typed_text_looks_for_each_significant_word() {
        assert_eq!(search_words("Tailspin Toys Ltd"), ["tailspin", "toys"]);
        assert_eq!(
            name_filter("companyName", "", "Tailspin Toys Ltd"),
            Some(Filter::or(vec![
                Filter::contains("companyName", "tailspin"),
                Filter::contains("companyName", "toys"),
            ]))
        );
        assert_eq!(
            name_filter("companyName", "  wing ", "Tailspin Toys Ltd"),
            Some(Filter::contains("companyName", "wing"))
        );
        assert_eq!(name_filter("companyName", "", "A & B"), None);
    }
}
