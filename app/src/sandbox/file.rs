//! Where a sandbox keeps its data: one JSON file in `<data_dir>/sandbox/`, or nowhere.

use std::{
    fs,
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

    /// Writes atomically (temporary file, then rename) so a crash never leaves half a file.
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
        fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
    }
}
