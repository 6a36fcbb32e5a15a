//! Evidence in an S3-compatible bucket, for deployments with several API
//! nodes that must all read what any one of them took in. Objects are named
//! `<prefix>/ab/cd/<sha256>` as in the directory store.
//!
//! `object_store` is asynchronous; evidence is read and written from the
//! blocking pool (beside the database work), so the store runs its requests
//! on a small runtime of its own and waits for the answer. An S3 PUT is
//! durable once answered, which is what [`EvidenceStore::put`] promises.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};

use super::EvidenceStore;

/// The longest one request to the bucket may take before it is an error:
/// a hung store must not hold a blocking thread for ever.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

pub struct S3Store {
    bucket: Arc<dyn ObjectStore>,
    prefix: String,
    /// Always `Some` until dropped (taken by `Drop`).
    runtime: Option<tokio::runtime::Runtime>,
    location: String,
}

impl Drop for S3Store {
    fn drop(&mut self) {
        // The last holder of the state may be an async worker, where a
        // runtime may not be dropped the blocking way.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl S3Store {
    /// Opens `url` (`s3://bucket[/prefix]`) with the endpoint, region and
    /// credentials given by the standard `AWS_*` variables among `vars`
    /// (`AWS_ENDPOINT`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP`, ...), and checks the bucket
    /// answers, so a wrong setting stops the start, not the first upload.
    pub fn open(
        url: &str,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Self> {
        let (bucket_name, prefix) = crate::config::split_bucket_url(url).map_err(|e| anyhow!(e))?;
        let mut builder = AmazonS3Builder::new().with_bucket_name(&bucket_name);
        for (key, value) in vars {
            if !key.starts_with("AWS_") {
                continue;
            }
            if let Ok(config_key) = key.to_ascii_lowercase().parse::<AmazonS3ConfigKey>() {
                builder = builder.with_config(config_key, value);
            }
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("evidence-s3")
            .enable_all()
            .build()
            .context("starting the evidence store's runtime")?;
        // The client spawns its connection tasks on the runtime it is built in.
        let _entered = runtime.enter();
        let bucket = builder
            .build()
            .with_context(|| format!("configuring the evidence bucket {url}"))?;
        drop(_entered);
        let store = S3Store {
            bucket: Arc::new(bucket),
            prefix,
            runtime: Some(runtime),
            location: url.to_owned(),
        };
        store
            .probe()
            .with_context(|| format!("reaching the evidence bucket {url}"))?;
        Ok(store)
    }

    /// Writes and reads back a marker object: a missing bucket or missing
    /// write rights answer like a missing object to reads alone.
    fn probe(&self) -> anyhow::Result<()> {
        let marker = self.path_under(".epatrol-store");
        let bucket = Arc::clone(&self.bucket);
        let readback = marker.clone();
        self.run(async move {
            bucket
                .put(&marker, PutPayload::from_static(b"epatrol evidence"))
                .await
        })?;
        let bucket = Arc::clone(&self.bucket);
        self.run(async move { bucket.head(&readback).await })?;
        Ok(())
    }

    fn path_under(&self, name: &str) -> Path {
        if self.prefix.is_empty() {
            Path::from(name)
        } else {
            Path::from(format!("{}/{name}", self.prefix))
        }
    }

    fn path_of(&self, sha256: &str) -> Path {
        let a = sha256.get(0..2).unwrap_or("xx");
        let b = sha256.get(2..4).unwrap_or("xx");
        self.path_under(&format!("{a}/{b}/{sha256}"))
    }

    /// Runs one request on the store's runtime and waits for its answer.
    fn run<T, F>(&self, request: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: Future<Output = object_store::Result<T>> + Send + 'static,
    {
        let runtime = self
            .runtime
            .as_ref()
            .ok_or_else(|| anyhow!("the evidence store is closing"))?;
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        runtime.spawn(async move {
            let answer = tokio::time::timeout(REQUEST_TIMEOUT, request).await;
            // The waiting side only goes away if its thread died.
            let _ = tx.send(answer);
        });
        match rx.recv() {
            Ok(Ok(answer)) => Ok(answer?),
            Ok(Err(_)) => bail!(
                "the evidence bucket {} did not answer within {REQUEST_TIMEOUT:?}",
                self.location
            ),
            Err(_) => bail!("the evidence store's runtime stopped"),
        }
    }
}

impl EvidenceStore for S3Store {
    fn put(&self, sha256: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.path_of(sha256);
        let bucket = Arc::clone(&self.bucket);
        let head_path = path.clone();
        let exists = self.run(async move {
            match bucket.head(&head_path).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(e) => Err(e),
            }
        })?;
        if exists {
            return Ok(());
        }
        let bucket = Arc::clone(&self.bucket);
        let payload = PutPayload::from(bytes.to_vec());
        self.run(async move { bucket.put(&path, payload).await })
            .with_context(|| format!("storing evidence {sha256} in {}", self.location))?;
        Ok(())
    }

    fn get_raw(&self, sha256: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let path = self.path_of(sha256);
        let bucket = Arc::clone(&self.bucket);
        self.run(async move {
            match bucket.get(&path).await {
                Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })
    }
}
