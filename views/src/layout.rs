use maud::{DOCTYPE, Markup, html};

/// The navigation entry a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Dashboard,
    Tasks,
    Mapping,
    Import,
    Settings,
    ActionLog,
    None,
}

const NAV: [(Nav, &str, &str); 6] = [
    (Nav::Dashboard, "/", "Dashboard"),
    (Nav::Tasks, "/tasks", "Tasks"),
    (Nav::Mapping, "/mapping", "Mapping"),
    (Nav::Import, "/import", "Import"),
    (Nav::Settings, "/settings", "Settings"),
    (Nav::ActionLog, "/log", "Action log"),
];

/// What every signed-in page needs: who is signed in and the form token.
#[derive(Debug, Clone)]
pub struct PageContext {
    pub user_email: String,
    pub reseller_name: String,
    pub is_admin: bool,
    pub csrf_token: String,
    /// A one-time message shown at the top (after a redirect).
    pub flash: Option<String>,
}

const STYLE: &str = r#"
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2530;background:#f5f7fa}
header{background:#1f3a5f;color:#fff;display:flex;align-items:center;gap:1.5rem;padding:0 1.25rem;height:52px}
header .brand{font-weight:700;letter-spacing:.02em}header nav{display:flex;gap:.25rem;flex:1}
header nav a{color:#d6e2f0;text-decoration:none;padding:.4rem .7rem;border-radius:4px}
header nav a.active,header nav a:hover{background:#2d4f7c;color:#fff}
header .who{font-size:.85rem;color:#d6e2f0;display:flex;gap:.75rem;align-items:center}
header .who button{background:none;border:1px solid #6d88ad;color:#fff;border-radius:4px;padding:.2rem .6rem;cursor:pointer}
main{max-width:1280px;margin:1.5rem auto;padding:0 1.25rem}h1{font-size:1.5rem;margin:.2rem 0 1rem}
.card{background:#fff;border:1px solid #dfe4ea;border-radius:6px;padding:1rem 1.25rem;margin-bottom:1rem}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #e6eaef}
th{font-size:.8rem;text-transform:uppercase;color:#5a6778}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}input,select,textarea{width:100%;max-width:28rem;padding:.45rem .5rem;border:1px solid #b9c3cf;border-radius:4px;font:inherit}
button,.button{background:#2563a8;color:#fff;border:0;border-radius:4px;padding:.5rem 1rem;font:inherit;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#e6ebf1;color:#1d2530}button:disabled{opacity:.55;cursor:default}.hint{color:#5a6778;font-size:.85rem}
.flash{background:#e7f4ea;border:1px solid #9fd3ab;padding:.6rem 1rem;border-radius:4px;margin-bottom:1rem}
.error{background:#fdecec;border:1px solid #f0a8a8;padding:.6rem 1rem;border-radius:4px;margin-bottom:1rem}
.warning{background:#fff7e0;border:1px solid #e8c766;padding:.6rem 1rem;border-radius:4px;margin-bottom:1rem}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:10px;font-size:.8rem;background:#e6ebf1}
.empty{color:#5a6778;padding:1rem 0}
nav.steps{display:flex;gap:.5rem;margin:.5rem 0 1rem}nav.steps .step{padding:.35rem .8rem;border-radius:4px;background:#e6ebf1;color:#1d2530;text-decoration:none}
nav.steps .current{background:#1f3a5f;color:#fff}nav.steps .later{opacity:.5}
.field-error{color:#a11d1d;font-size:.85rem;margin-top:.15rem}table.review input[type=text]{max-width:16rem;min-width:10rem}table.review input.num{min-width:0;width:6.5rem}input[type=checkbox],input[type=radio]{width:auto}table.review .nowrap{white-space:nowrap}table.review td.service{min-width:16rem}
.badge.done{background:#dff3e4;color:#17622f}.badge.conflict{background:#fff1cc;color:#6b4b00}.badge.failed{background:#fde2e2;color:#8a1c1c}
form.options{display:flex;gap:1.25rem;align-items:flex-end;flex-wrap:wrap}form.options label{margin-top:0}form.options p{margin:0}
"#;

/// The document shell shared by every page.
pub fn document(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · psa-sync" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
}

/// A signed-in page: header with navigation, the signed-in user and a logout button.
pub fn page(ctx: &PageContext, active: Nav, title: &str, content: Markup) -> Markup {
    document(
        title,
        html! {
            header {
                span.brand { "psa-sync" }
                nav {
                    @for (nav, href, label) in NAV {
                        a href=(href) class=[(nav == active).then_some("active")] { (label) }
                    }
                }
                div.who {
                    span { (ctx.user_email) " · " (ctx.reseller_name) }
                    form method="post" action="/logout" {
                        input type="hidden" name="csrf_token" value=(ctx.csrf_token);
                        button type="submit" { "Sign out" }
                    }
                }
            }
            main {
                @if let Some(flash) = &ctx.flash { div.flash role="status" { (flash) } }
                h1 { (title) }
                (content)
            }
        },
    )
}
