//! Reads a form out of a page the way a browser submits it: its inputs (checked boxes and
//! radios only), selects (the selected option) and textareas, so a test can change a field and
//! send the rest as the page had it.

/// The attribute's value in one tag, unescaped for the few entities maud writes.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(
        tag[start..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

fn has_flag(tag: &str, name: &str) -> bool {
    tag.contains(&format!(" {name}")) && !tag.contains(&format!(" {name}=\"false\""))
}

/// The fields of the POST form whose `action` is `action`, as a browser would send them.
pub fn form_fields(page: &str, action: &str) -> Vec<(String, String)> {
    let marker = format!("method=\"post\" action=\"{action}\"");
    let Some(at) = page.find(&marker) else {
        panic!("no form posting to {action} in the page:\n{page}");
    };
    let form = &page[at..];
    let form = &form[..form.find("</form>").unwrap_or(form.len())];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        let close = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..close];
        if tag.starts_with("<input") {
            let kind = attribute(tag, "type").unwrap_or_else(|| "text".into());
            let checkable = kind == "checkbox" || kind == "radio";
            if let Some(name) = attribute(tag, "name")
                && (!checkable || has_flag(tag, "checked"))
                && !has_flag(tag, "disabled")
                && kind != "submit"
            {
                fields.push((name, attribute(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<select") {
            if let Some(name) = attribute(tag, "name") {
                let body = &rest[close..rest.find("</select>").unwrap_or(rest.len())];
                let chosen = body
                    .split("<option")
                    .skip(1)
                    .find(|o| has_flag(&o[..o.find('>').unwrap_or(o.len())], "selected"))
                    .or_else(|| body.split("<option").nth(1))
                    .and_then(|o| attribute(&format!(" {o}"), "value"))
                    .unwrap_or_default();
                fields.push((name, chosen));
            }
        } else if tag.starts_with("<textarea")
            && let Some(name) = attribute(tag, "name")
        {
            let body = &rest[close + 1..rest.find("</textarea>").unwrap_or(rest.len())];
            fields.push((name, body.to_owned()));
        }
        rest = &rest[1..];
    }
    fields
}

/// Replaces (or adds) a field's value.
pub fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(field) => field.1 = value.to_owned(),
        None => fields.push((name.to_owned(), value.to_owned())),
    }
}
