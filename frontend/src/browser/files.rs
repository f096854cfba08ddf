//! Files as the browser holds them: one the person picked, read a slice at a time
//! (`Blob.slice` + `arrayBuffer`, so a 2 GB file is never in memory at once), and one
//! received, gathered into a `Blob` and offered through an object URL, revoked when dropped.

use js_sys::{Array, Uint8Array};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, HtmlInputElement, Url};

use crate::browser::file_channel::Chunk;

/// The browser could not read a picked file (moved, deleted, permission gone).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the browser could not read the file: {0}")]
pub struct ReadError(String);

/// A file the person picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickedFile(File);

impl PickedFile {
    /// The file picked in `input` (`<input type="file">`), if any; the input is emptied, so
    /// the same file may be picked again.
    pub fn take_from(input: &HtmlInputElement) -> Option<Self> {
        let file = input.files().and_then(|files| files.get(0));
        input.set_value("");
        file.map(Self)
    }

    /// Its name.
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        // A Blob's size is an integer below 2^53, exact in an f64.
        self.0.size() as u64
    }

    /// The bytes from `start` to `end` (exclusive).
    pub async fn read(&self, start: u64, end: u64) -> Result<Vec<u8>, ReadError> {
        let slice = self
            .0
            .slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(|e| ReadError(format!("{e:?}")))?;
        let buffer = JsFuture::from(slice.array_buffer())
            .await
            .map_err(|e| ReadError(format!("{e:?}")))?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }
}

/// The chunks of a file on its way in, in the browser's memory (never copied into this
/// program's), folded into Blobs every [`FOLD_BYTES`]: the browser may keep a Blob's bytes on
/// disk, so a large file does not have to fit in the page's memory.
#[derive(Default)]
pub struct Incoming {
    /// Blobs of earlier chunks.
    parts: Vec<Blob>,
    /// Chunks not folded yet.
    pending: Vec<Uint8Array>,
    pending_bytes: usize,
}

/// How many received bytes are folded into one Blob.
const FOLD_BYTES: usize = 8 * 1024 * 1024;

impl Incoming {
    /// Keeps one chunk.
    pub fn push(&mut self, chunk: &Chunk) {
        self.pending_bytes += chunk.array().length() as usize;
        self.pending.push(chunk.array().clone());
        if self.pending_bytes >= FOLD_BYTES {
            self.fold();
        }
    }

    fn fold(&mut self) {
        let pending: Array = self.pending.drain(..).collect();
        self.pending_bytes = 0;
        match Blob::new_with_u8_array_sequence(&pending) {
            Ok(blob) => self.parts.push(blob),
            // Cannot happen for arrays of bytes; losing them would fail the file's check.
            Err(e) => gloo::console::error!(format!("could not keep a file's bytes: {e:?}")),
        }
    }

    /// The whole file, to download under its name: only once it is checked.
    pub fn into_download(mut self) -> Result<Download, ReadError> {
        self.fold();
        let parts: Array = self.parts.into_iter().collect();
        let options = BlobPropertyBag::new();
        options.set_type("application/octet-stream");
        let blob = Blob::new_with_blob_sequence_and_options(&parts, &options)
            .map_err(|e| ReadError(format!("{e:?}")))?;
        Url::create_object_url_with_blob(&blob)
            .map(Download)
            .map_err(|e| ReadError(format!("{e:?}")))
    }
}

/// A received file's object URL (`blob:`), for a download link. Dropping it revokes the URL,
/// and the browser may then free the file's bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Download(String);

impl Download {
    /// The URL.
    pub fn url(&self) -> &str {
        &self.0
    }
}

impl Drop for Download {
    fn drop(&mut self) {
        let _ = Url::revoke_object_url(&self.0);
    }
}
