//! Listening addresses as operators write them: `0.0.0.0:8080`,
//! `[::1]:8080`, or a host name such as `localhost:8080`, resolved when
//! bound. Port 0 asks the system for any free port.

/// Why `s` is not a `host:port` that could be bound, if it is not.
pub fn check_host_port(s: &str) -> Result<(), String> {
    if s.parse::<std::net::SocketAddr>().is_ok() {
        return Ok(());
    }
    let Some((host, port)) = s.rsplit_once(':') else {
        return Err(format!("{s:?} has no port"));
    };
    if port.parse::<u16>().is_err() {
        return Err(format!("{port:?} is not a port (0–65535)"));
    }
    let is_name = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if is_name {
        Ok(())
    } else {
        Err(format!("{host:?} is neither an IP address nor a host name"))
    }
}

#[cfg(test)]
mod tests {
    use super::check_host_port;

    #[test]
    fn addresses_and_host_names_are_taken() {
        for ok in [
            "0.0.0.0:8080",
            "127.0.0.1:0",
            "[::1]:8080",
            "localhost:8080",
            "api-1.police.example:443",
        ] {
            assert_eq!(check_host_port(ok), Ok(()), "{ok}");
        }
        for bad in [
            "8080",
            "localhost",
            "localhost:http",
            "localhost:70000",
            ":8080",
            "bad host:8080",
            "-x:80",
            "::1:8080",
        ] {
            assert!(check_host_port(bad).is_err(), "{bad}");
        }
    }
}
