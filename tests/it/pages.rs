//! HTML pages an employer reads on a phone: nothing cut off, no sideways scrolling at 390 px,
//! wide tables scroll inside their own box.

use std::path::Path;
use std::process::Command;

use crate::common::{Scratch, codedrill, fixture};

/// The report page of the fixture log and an exam page, written into `scratch`.
fn pages(scratch: &Scratch) -> Vec<std::path::PathBuf> {
    let report = scratch.path("report.html");
    let made = codedrill()
        .args(["report", &fixture("logs/class.csv"), "--by", "item", "-o"])
        .arg(&report)
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let exam = scratch.path("exam.html");
    let made = codedrill()
        .args(["exam", "interview", "-n", "4", "--seed", "1", "--log"])
        .arg(scratch.log())
        .arg("-o")
        .arg(&exam)
        .write_stdin("E11.9\nI10\n\nJ45.909\n")
        .output()
        .unwrap();
    assert!(
        made.status.code().is_some_and(|c| c == 0 || c == 3),
        "{made:?}"
    );
    vec![report, exam]
}

#[test]
fn every_table_scrolls_in_its_own_box_and_charts_have_no_fixed_width() {
    let scratch = Scratch::new();
    for page in pages(&scratch) {
        let html = std::fs::read_to_string(&page).unwrap();
        let tables = html.matches("<table").count();
        assert!(tables > 0, "{}", page.display());
        assert_eq!(
            html.matches("<div class=\"wide\"><table").count(),
            tables,
            "{}: a table outside a scroll box",
            page.display()
        );
        assert!(
            html.contains("minmax(min(520px,100%),1fr)"),
            "charts shrink to the column"
        );
    }
}

/// `scrollWidth/clientWidth` of `page` shown in a frame `width` pixels wide, by headless
/// Chromium (a window cannot be narrower than 500 px; a frame can).
fn widths_in_frame(scratch: &Scratch, page: &Path, width: u32) -> (u32, u32) {
    let frame = scratch.path(&format!("frame-{width}.html"));
    std::fs::write(
        &frame,
        format!(
            "<!DOCTYPE html><html><body style=\"margin:0\"><iframe id=\"f\" src=\"file://{}\" \
             style=\"width:{width}px;height:800px;border:0\"></iframe><script>\
             document.getElementById('f').onload = function () {{ var d = \
             this.contentDocument.documentElement; document.title = 'W=' + d.scrollWidth + \
             '/' + d.clientWidth; }};</script></body></html>",
            page.display()
        ),
    )
    .unwrap();
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--allow-file-access-from-files",
            "--virtual-time-budget=3000",
            "--window-size=1400,900",
            "--dump-dom",
        ])
        .arg(format!(
            "--user-data-dir={}",
            scratch.path("chromium").display()
        ))
        .arg(format!("file://{}", frame.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    let title = dom
        .split("<title>W=")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("no measure in {dom}"));
    let (scroll, client) = title.split_once('/').expect("W=scroll/client");
    (scroll.parse().unwrap(), client.parse().unwrap())
}

#[test]
#[ignore = "needs headless Chromium (apt-get install chromium): cargo test -- --ignored"]
fn pages_do_not_scroll_sideways_at_390_or_1280_pixels() {
    let scratch = Scratch::new();
    for page in pages(&scratch) {
        for width in [390, 1280] {
            let (scroll, client) = widths_in_frame(&scratch, &page, width);
            assert!(client > 300, "{}: measured {client}", page.display());
            assert!(
                scroll <= client,
                "{} at {width} px scrolls sideways: {scroll} > {client}",
                page.display()
            );
        }
    }
}
