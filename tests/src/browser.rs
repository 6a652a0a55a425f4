//! A headless Chromium for tests that need JavaScript: `chromedriver` on a free port as a child
//! process (killed with its browser on drop), one WebDriver session, and the few verbs a test
//! needs — go to a page, fill a field, press a button, wait for text, take a screenshot.
//!
//! Debian's `chromium` and `chromium-driver` packages provide both programs (`.ci/run` installs
//! them). When either is missing the test fails and says so: a browser test that skips itself
//! would pass without testing anything.

use std::{
    net::{TcpListener, TcpStream},
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tempfile::TempDir;

use crate::TestApp;

/// How long a page may take to show what a test waits for.
const WAIT: Duration = Duration::from_secs(15);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(50);
const WINDOW: (u32, u32) = (1400, 1150);
const INSTALL: &str = "install Debian's packages: apt-get install -y chromium chromium-driver";

/// Where screenshots go: the workspace's `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("screenshots")
}

/// A program by path, or by name on `PATH`.
fn find_program(env_override: &str, names: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env_override) {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The Chromium binary. Debian's `/usr/bin/chromium` is a shell wrapper; the program itself
/// lives in `/usr/lib/chromium/`.
fn chromium_binary() -> Option<PathBuf> {
    let debian = PathBuf::from("/usr/lib/chromium/chromium");
    if std::env::var("CHROMIUM").is_err() && debian.is_file() {
        return Some(debian);
    }
    find_program(
        "CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    )
}

/// `chromedriver` in its own process group, so dropping it ends the browsers it started too.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    async fn start() -> Self {
        let program = find_program("CHROMEDRIVER", &["chromedriver"]).unwrap_or_else(|| {
            panic!("browser tests need chromedriver, which was not found; {INSTALL}")
        });
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port for chromedriver");
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "chromedriver ({}) did not start: {e}; {INSTALL}",
                    program.display()
                )
            });
        let driver = Self { child, port };
        driver.wait_until_listening().await;
        driver
    }

    async fn wait_until_listening(&self) {
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < WAIT,
                "chromedriver did not listen on port {} within {WAIT:?}",
                self.port
            );
            tokio::time::sleep(POLL).await;
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the Chromium it started (by the group's id, which
        // is chromedriver's own pid).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One headless browser looking at one test app.
pub struct Browser {
    client: Client,
    base: String,
    prefix: String,
    // Dropped after the session: the profile directory outlives the browser using it.
    _driver: Driver,
    _profile: TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium for `app`. `name` prefixes this test's
    /// screenshots.
    pub async fn start(app: &TestApp, name: &str) -> Self {
        let chromium = chromium_binary().unwrap_or_else(|| {
            panic!("browser tests need Chromium, which was not found; {INSTALL}")
        });
        let driver = Driver::start().await;
        let profile = tempfile::tempdir().expect("a profile directory");
        let capabilities = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-extensions",
                    format!("--window-size={},{}", WINDOW.0, WINDOW.1),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "Chromium ({}) did not start under chromedriver: {e}; {INSTALL}",
                    chromium.display()
                )
            });
        std::fs::create_dir_all(screenshot_dir()).expect("the screenshot directory");
        Self {
            client,
            base: app.address.clone(),
            prefix: name.to_owned(),
            _driver: driver,
            _profile: profile,
        }
    }

    /// The WebDriver session, for what the verbs below do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens a path of the app and waits for it to load.
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("opening {path}: {e}"));
    }

    /// The path (and query) the browser is on.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Types `value` into the field whose name or label is `field` (replacing what it held).
    pub async fn fill(&self, field: &str, value: &str) {
        let by_name = format!("[name={}]", css_string(field));
        let by_label = format!(
            "//input[@id=//label[normalize-space()={0}]/@for] | //textarea[@id=//label[normalize-space()={0}]/@for]",
            xpath_string(field)
        );
        let element = match self.client.find(Locator::Css(&by_name)).await {
            Ok(element) => element,
            Err(_) => self
                .client
                .find(Locator::XPath(&by_label))
                .await
                .unwrap_or_else(|e| panic!("no field named or labelled {field:?}: {e}")),
        };
        element.clear().await.expect("clearing the field");
        element
            .send_keys(value)
            .await
            .expect("typing into the field");
    }

    /// Presses the (enabled) button whose text is `text`.
    pub async fn click_button(&self, text: &str) {
        let xpath = format!(
            "//button[normalize-space()={0} and not(@disabled)] | //input[(@type='submit' or @type='button') and @value={0}]",
            xpath_string(text)
        );
        self.click(&xpath, &format!("button {text:?}")).await;
    }

    /// Follows the link whose text is `text`.
    pub async fn click_link(&self, text: &str) {
        let xpath = format!("//a[normalize-space()={}]", xpath_string(text));
        self.click(&xpath, &format!("link {text:?}")).await;
    }

    async fn click(&self, xpath: &str, what: &str) {
        // A page being replaced (a form just sent) leaves the element found stale: find it
        // again on the page that follows.
        for attempt in 1.. {
            let element = self
                .client
                .wait()
                .at_most(WAIT)
                .every(POLL)
                .for_element(Locator::XPath(xpath))
                .await
                .unwrap_or_else(|e| panic!("no {what} on {}: {e}", self.base));
            match element.click().await {
                Ok(()) => return,
                Err(e) if attempt < 5 && e.to_string().contains("stale element") => continue,
                Err(e) => panic!("pressing {what}: {e}"),
            }
        }
    }

    /// Waits until the browser is on a path (and query) that `ready` accepts.
    pub async fn wait_for_path(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let path = self.path().await;
            if ready(&path) {
                return path;
            }
            if started.elapsed() > WAIT {
                self.screenshot("timeout").await;
                panic!("waited {WAIT:?} for {what}; the browser is on {path}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The text of the page as a person sees it.
    pub async fn text(&self) -> String {
        match self
            .client
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
        {
            Ok(serde_json::Value::String(text)) => text,
            // Between two pages there is briefly no document to read.
            Ok(_) | Err(_) => String::new(),
        }
    }

    /// Waits until the page's text contains `text`; on timeout, fails with what the page said
    /// (and a screenshot of it).
    pub async fn wait_for_text(&self, text: &str) {
        self.wait_until(&format!("the text {text:?}"), |page| page.contains(text))
            .await;
    }

    /// Waits until `ready` holds for the page's text.
    pub async fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let page = self.text().await;
            if ready(&page) {
                return page;
            }
            if started.elapsed() > WAIT {
                self.screenshot("timeout").await;
                panic!(
                    "waited {WAIT:?} for {what} on {}; the page says:\n{page}",
                    self.path().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Runs a script in the page and returns its value.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("running {script:?}: {e}"))
    }

    /// Saves the page as `target/screenshots/<test>-<name>.png` and returns the path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("a screenshot");
        let path = screenshot_dir().join(format!("{}-{name}.png", self.prefix));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        path
    }

    /// Ends the session cleanly (dropping the browser also ends it, less politely).
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// A string literal for XPath 1.0, which has no escapes: quotes are joined with `concat`.
fn xpath_string(text: &str) -> String {
    if !text.contains('\'') {
        return format!("'{text}'");
    }
    let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
    format!("concat({})", parts.join(", \"'\", "))
}

/// A string for a CSS attribute selector.
fn css_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
