//! The progress bar of a long report: on stderr, and only when stderr is a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Inputs smaller than this are read too fast for a bar to help.
const SHOWN_FROM_BYTES: u64 = 32 << 20;

/// A bar counting `total` bytes of logs; hidden when stderr is not a terminal or the input is
/// small.
pub fn progress_bar(total: u64) -> ProgressBar {
    if total < SHOWN_FROM_BYTES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
    let style = ProgressStyle::with_template(
        "reading logs {bar:40.cyan/blue} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("█▉ ");
    bar.set_style(style);
    bar
}
