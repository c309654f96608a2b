//! Where logs go and how they look: standard output, coloured only when that is a terminal
//! (a file, a pipe or journald gets no escape codes), as text or as one JSON object per
//! line for log shippers.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line (`timestamp`, `level`, `fields`, `target`, `span`).
    Json,
}

/// Colour codes only in text, and only for a terminal.
pub fn uses_colour(format: LogFormat, stdout_is_terminal: bool) -> bool {
    format == LogFormat::Text && stdout_is_terminal
}

/// Installs the global subscriber: `RUST_LOG` filters (default `info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(uses_colour(format, std::io::stdout().is_terminal()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_for_text_on_a_terminal() {
        assert!(uses_colour(LogFormat::Text, true));
        assert!(!uses_colour(LogFormat::Text, false));
        assert!(!uses_colour(LogFormat::Json, true));
        assert!(!uses_colour(LogFormat::Json, false));
    }
}
