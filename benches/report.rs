//! Aggregation speed: a log of 100,000 attempts (the fixture log repeated) read from memory by
//! the log reader on one thread and folded into a report. The whole-file comparison with pandas
//! and DuckDB (two threads on one file) is `benches/compare_report.sh`.

use std::hint::black_box;

use std::path::Path;

use codedrill::log::read_log_from;
use codedrill::report::{Aggregator, Filters, GroupBy};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

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
                let mut aggregator = Aggregator::new(by, &filters);
                read_log_from(
                    &log[..],
                    || Ok(&log[..]),
                    Path::new("bench.csv"),
                    |attempt| aggregator.add(attempt),
                    |_| {},
                )
                .expect("log reads");
                black_box(aggregator.finish(vec![]))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, aggregate);
criterion_main!(benches);
