//! Aggregation speed: a log of 100,000 attempts (the fixture log repeated) read from memory and
//! folded into a report by the block reader with one worker, and by the plain CSV reader. The whole-file comparison with pandas and DuckDB is
//! `benches/compare_report.sh`.

use std::hint::black_box;

use codedrill::report::reader::{read_blocks, read_sequential};
use codedrill::report::{Aggregator, Filters, GroupBy};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use indicatif::ProgressBar;

const ROWS: usize = 100_000;

fn synthetic_log() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/logs/class.csv");
    let fixture = std::fs::read_to_string(path).expect("fixture log");
    let mut lines = fixture.lines();
    let header = lines.next().expect("header");
    let rows: Vec<&str> = lines.collect();
    let mut log = format!("{header}\n");
    for n in 0..ROWS {
        log.push_str(rows[n % rows.len()]);
        log.push('\n');
    }
    log.into_bytes()
}

fn aggregate(c: &mut Criterion) {
    let log = synthetic_log();
    let mut group = c.benchmark_group("report");
    group.throughput(Throughput::Bytes(log.len() as u64));
    let filters = Filters::default();
    for by in [GroupBy::Deck, GroupBy::Day, GroupBy::Item] {
        group.bench_function(format!("aggregate 100k rows by {}", by.name()), |b| {
            b.iter(|| {
                let new = || Aggregator::new(by, &filters);
                let hidden = ProgressBar::hidden();
                let result = read_blocks(&log[..], "bench.csv", &new, 1, &hidden)
                    .expect("log reads")
                    .expect("no line breaks in fields");
                black_box(result.aggregator.finish(vec![]))
            })
        });
        group.bench_function(format!("csv reader, 100k rows by {}", by.name()), |b| {
            b.iter(|| {
                let result = read_sequential(&log[..], "bench.csv", Aggregator::new(by, &filters))
                    .expect("log reads");
                black_box(result.aggregator.finish(vec![]))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, aggregate);
criterion_main!(benches);
