//! Where evidence files are kept when they are not on the local disk:
//! `EPATROL_EVIDENCE_URL=s3://bucket[/prefix]`.

/// `s3://bucket` or `s3://bucket/some/prefix`, split into bucket and prefix.
pub fn split_bucket_url(url: &str) -> Result<(String, String), &'static str> {
    let rest = url
        .strip_prefix("s3://")
        .ok_or("expected s3://bucket[/prefix]")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err("expected s3://bucket[/prefix]: the bucket is missing");
    }
    let prefix = prefix.trim_matches('/');
    if prefix.split('/').any(|part| part == "." || part == "..") {
        return Err("the prefix may not contain . or .. segments");
    }
    Ok((bucket.to_owned(), prefix.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_bucket_and_an_optional_prefix() {
        let split = split_bucket_url;
        assert_eq!(split("s3://ev").unwrap(), ("ev".into(), "".into()));
        assert_eq!(
            split("s3://ev/tainan/cases/").unwrap(),
            ("ev".into(), "tainan/cases".into())
        );
        assert!(split("s3:///x").is_err());
        assert!(split("https://ev").is_err());
        assert!(split("s3://ev/../x").is_err());
    }
}
