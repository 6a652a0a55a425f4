//! Where a sandbox keeps its data: one JSON file in `<data_dir>/sandbox/`, or nowhere. A sandbox
//! that writes often appends what each write changed to a log beside it (one JSON line per
//! write) and folds the log into the file now and then, so that a write costs what it changed
//! rather than the whole data set.

use std::{
    fs,
    io::{BufRead, Write},
    path::{Path, PathBuf},
};

use anyhow::Context;
use serde::{Serialize, de::DeserializeOwned};

#[derive(Debug, Clone)]
pub struct JsonFile {
    path: Option<PathBuf>,
}

impl JsonFile {
    pub fn in_dir(data_dir: &Path, name: &str) -> Self {
        Self {
            path: Some(data_dir.join("sandbox").join(name)),
        }
    }

    /// Keeps nothing on disk (a sandbox a test starts on its own).
    pub fn memory() -> Self {
        Self { path: None }
    }

    pub fn load<T: DeserializeOwned>(&self) -> anyhow::Result<Option<T>> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        if !path.exists() {
            return Ok(None);
        }
        let text =
            fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(Some(
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?,
        ))
    }

    /// Writes atomically (temporary file, then rename) so a crash never leaves half a file, then
    /// drops the log, which the file now contains.
    pub fn save<T: Serialize>(&self, value: &T) -> anyhow::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let tmp = path.with_extension("json.tmp");
        fs::write(&tmp, serde_json::to_vec(value)?)
            .with_context(|| format!("writing {}", tmp.display()))?;
        fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))?;
        let log = self.log_path(path);
        if log.exists() {
            fs::remove_file(&log).with_context(|| format!("removing {}", log.display()))?;
        }
        Ok(())
    }

    /// Whether this file lives on disk (a memory sandbox keeps no log either).
    pub fn is_kept(&self) -> bool {
        self.path.is_some()
    }

    fn log_path(&self, path: &Path) -> PathBuf {
        path.with_extension("log")
    }

    /// Appends one entry to the log in a single write: a crash leaves at most a torn last line,
    /// which `log` ignores (that write was never answered).
    pub fn append<T: Serialize>(&self, entry: &T) -> anyhow::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let log = self.log_path(path);
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .and_then(|mut file| file.write_all(&line))
            .with_context(|| format!("appending to {}", log.display()))
    }

    /// The log's entries in the order they were appended, up to the first torn one.
    pub fn log<T: DeserializeOwned>(&self) -> anyhow::Result<Vec<T>> {
        let Some(path) = &self.path else {
            return Ok(Vec::new());
        };
        let log = self.log_path(path);
        if !log.exists() {
            return Ok(Vec::new());
        }
        let file = fs::File::open(&log).with_context(|| format!("reading {}", log.display()))?;
        let mut entries = Vec::new();
        for line in std::io::BufReader::new(file).lines() {
            let Ok(entry) = line
                .map_err(anyhow::Error::from)
                .and_then(|l| serde_json::from_str(&l).map_err(anyhow::Error::from))
            else {
                break;
            };
            entries.push(entry);
        }
        Ok(entries)
    }
}
