//! Secrets at rest: AES-256-GCM under the master key. A sealed value is
//! `base64(nonce ‖ ciphertext ‖ tag)`; a fresh random nonce is used for every seal.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use aes_gcm::{
    Aes256Gcm, Key, Nonce,
    aead::{Aead, AeadCore, KeyInit, OsRng, rand_core::RngCore},
};
use anyhow::{Context, bail};
use base64::{Engine, engine::general_purpose::STANDARD};
use secrecy::{ExposeSecret, SecretString};

const NONCE_LEN: usize = 12;
const KEY_FILE: &str = "master.key";

#[derive(Clone)]
pub struct MasterKey {
    bytes: [u8; 32],
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("a stored secret could not be decrypted (wrong master key or damaged value)")]
pub struct UnsealError;

#[derive(Debug, thiserror::Error)]
#[error("a secret could not be encrypted")]
pub struct SealError;

impl MasterKey {
    /// The key from `PSA_SYNC_MASTER_KEY` when given, else the key file in `data_dir`, created
    /// (mode 0600) on first start.
    pub fn load_or_create(
        configured: Option<&SecretString>,
        data_dir: &Path,
    ) -> anyhow::Result<Self> {
        if let Some(encoded) = configured {
            return Self::from_base64(encoded.expose_secret())
                .context("PSA_SYNC_MASTER_KEY must be the base64 of 32 bytes");
        }
        let path = data_dir.join(KEY_FILE);
        if path.exists() {
            let encoded = fs::read_to_string(&path)
                .with_context(|| format!("reading the master key file {}", path.display()))?;
            return Self::from_base64(encoded.trim())
                .with_context(|| format!("the master key file {} is damaged", path.display()));
        }
        let key = Self::generate();
        write_private_file(&path, &key.to_base64())?;
        tracing::info!(path = %path.display(), "created a new master key file");
        Ok(key)
    }

    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self { bytes }
    }

    pub fn from_base64(encoded: &str) -> anyhow::Result<Self> {
        let raw = STANDARD.decode(encoded.trim()).context("not base64")?;
        let bytes: [u8; 32] = match raw.try_into() {
            Ok(bytes) => bytes,
            Err(raw) => bail!("expected 32 bytes, found {}", raw.len()),
        };
        Ok(Self { bytes })
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.bytes)
    }

    /// Key material for deriving other keys (the session cookie key).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// Seals a secret. An error here is a broken cipher, never stored as an empty value.
    pub fn seal(&self, plaintext: &SecretString) -> Result<String, SealError> {
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.bytes));
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = cipher
            .encrypt(&nonce, plaintext.expose_secret().as_bytes())
            .map_err(|_| SealError)?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Ok(STANDARD.encode(sealed))
    }

    pub fn open(&self, sealed: &str) -> Result<SecretString, UnsealError> {
        let raw = STANDARD.decode(sealed).map_err(|_| UnsealError)?;
        if raw.len() < NONCE_LEN {
            return Err(UnsealError);
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.bytes));
        let plaintext = cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| UnsealError)?;
        String::from_utf8(plaintext)
            .map(SecretString::from)
            .map_err(|_| UnsealError)
    }
}

fn write_private_file(path: &PathBuf, contents: &str) -> anyhow::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents.as_bytes())
        .and_then(|_| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_to_the_same_text_and_does_not_contain_it() {
        let key = MasterKey::generate();
        let sealed = key
            .seal(&SecretString::from("hunter2-very-secret"))
            .unwrap();
        assert!(!sealed.contains("hunter2"));
        let opened = key.open(&sealed).unwrap();
        assert_eq!(opened.expose_secret(), "hunter2-very-secret");
    }

    #[test]
    fn a_secret_sealed_under_another_key_does_not_open() {
        let sealed = MasterKey::generate()
            .seal(&SecretString::from("x"))
            .unwrap();
        assert!(MasterKey::generate().open(&sealed).is_err());
    }

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("psa-sync-key-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let first = MasterKey::load_or_create(None, &dir).unwrap();
        let second = MasterKey::load_or_create(None, &dir).unwrap();
        assert_eq!(first.as_bytes(), second.as_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
