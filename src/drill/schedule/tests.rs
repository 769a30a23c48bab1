//! The scheduler on hand-made logs with a fixed "now": order, limits, states, due times, the
//! same schedule from shuffled rows, and no panic on any log.

use std::io::Write;

use proptest::prelude::*;

use super::time::parse_timestamp;
use super::*;
use crate::codes::System;
use crate::record::Attempt;

/// A row: when, who, which deck and item, the verdict, ms, backspaces.
fn row(at: &str, user: &str, deck: &str, item: &str, verdict: Verdict, ms: u64) -> Attempt {
    Attempt {
        timestamp: at.into(),
        user: user.into(),
        mode: Mode::Practice,
        deck: deck.into(),
        item: item.into(),
        verdict,
        score: if verdict == Verdict::Correct {
            1.0
        } else {
            0.0
        },
        elapsed_ms: ms,
        backspaces: 0,
        ..crate::record::example("")
    }
}

fn item(deck: &str, id: &str) -> Item {
    Item {
        id: id.into(),
        prompt: format!("prompt of {id}"),
        answer: "E11.9".into(),
        system: System::Icd10cm,
        accept: String::new(),
        category: String::new(),
        rationale: String::new(),
        optional: String::new(),
        setting: None,
        deck: deck.into(),
        line: 1,
    }
}

fn reviews_of(rows: &[Attempt], user: &str) -> Reviews {
    let mut reviews = Reviews::new(Some(user), None);
    for attempt in rows {
        reviews.add(&attempt.as_ref());
    }
    reviews
}

fn at(text: &str) -> Moment {
    parse_timestamp(text).unwrap()
}

fn defaults() -> Params {
    Params::defaults(0.9).unwrap()
}

const NOW: &str = "2026-11-27T09:00:00+01:00";

fn ids(items: &[Item]) -> Vec<&str> {
    items.iter().map(|i| i.id.as_str()).collect()
}

#[test]
fn states_follow_ratings() {
    use Rating::*;
    use State::*;
    let table = [
        (New, Again, Learning),
        (New, Hard, Review),
        (New, Easy, Review),
        (Learning, Again, Learning),
        (Learning, Good, Review),
        (Review, Again, Relearning),
        (Review, Hard, Review),
        (Relearning, Again, Relearning),
        (Relearning, Good, Review),
    ];
    for (before, rating, after) in table {
        assert_eq!(before.after(rating), after, "{before:?} {rating:?}");
    }
}

#[test]
fn first_reviews_are_due_after_fsrs_intervals_or_ten_minutes() {
    // One deck, four items first seen at 09:00 one after another; the pace: 2000 ms median,
    // 3000 ms 75th percentile (correct answers of 1000, 2000, 2000, 3000, 4000 ms).
    let rows = [
        row(
            "2026-11-20T09:00:00+01:00",
            "ana",
            "d",
            "easy",
            Verdict::Correct,
            1000,
        ),
        row(
            "2026-11-20T09:00:10+01:00",
            "ana",
            "d",
            "good",
            Verdict::Correct,
            2000,
        ),
        row(
            "2026-11-20T09:00:20+01:00",
            "ana",
            "d",
            "good2",
            Verdict::Correct,
            2000,
        ),
        row(
            "2026-11-20T09:00:30+01:00",
            "ana",
            "d",
            "good3",
            Verdict::Correct,
            3000,
        ),
        row(
            "2026-11-20T09:00:40+01:00",
            "ana",
            "d",
            "hard",
            Verdict::Correct,
            4000,
        ),
        row(
            "2026-11-20T09:00:50+01:00",
            "ana",
            "d",
            "miss",
            Verdict::Partial,
            1000,
        ),
    ];
    let mut reviews = reviews_of(&rows, "ana");
    let schedule = reviews.schedule(&defaults(), at("2026-11-20T12:00:00+01:00"));
    let due = |id: &str| {
        let card = schedule.card("d", id).unwrap();
        (card.state, time::when(card.due, schedule.now()))
    };
    // FSRS-6's first stabilities at 90%: Hard 1.29, Good 2.31, Easy 8.30 days.
    assert_eq!(due("easy"), (State::Review, "2026-11-28 09:00".into()));
    assert_eq!(due("good"), (State::Review, "Sunday 09:00".into()));
    assert_eq!(due("good3"), (State::Review, "Sunday 09:00".into()));
    assert_eq!(due("hard"), (State::Review, "tomorrow 09:00".into()));
    assert_eq!(due("miss"), (State::Learning, "today 09:10".into()));
}

/// A week of one learner's reviews on deck `d` (and a miss of another user's), due on
/// different days by 2026-11-27.
fn week() -> Vec<Attempt> {
    let mut rows = Vec::new();
    let mut add = |at: &str, id: &str, verdict: Verdict, ms: u64| {
        rows.push(row(at, "ana", "d", id, verdict, ms));
    };
    // a: good on the 20th and the 22nd: due in some days from the 22nd.
    add("2026-11-20T09:00:00+01:00", "a", Verdict::Correct, 3000);
    add("2026-11-22T09:00:00+01:00", "a", Verdict::Correct, 3000);
    // b: good on the 20th, then not seen: due since the 22nd, most forgotten.
    add("2026-11-20T09:01:00+01:00", "b", Verdict::Correct, 3000);
    // c: hard on the 25th: due on the 26th.
    add("2026-11-25T09:02:00+01:00", "c", Verdict::Correct, 9000);
    // d: missed on the 26th: learning, due ten minutes later.
    add("2026-11-26T18:00:00+01:00", "d", Verdict::Incorrect, 3000);
    // e: easy on the 26th: due in a week.
    add("2026-11-26T18:01:00+01:00", "e", Verdict::Correct, 1000);
    // f: first seen today: a new item of today.
    add("2026-11-27T08:00:00+01:00", "f", Verdict::Correct, 3000);
    rows.push(row(
        "2026-11-27T08:30:00+01:00",
        "bob",
        "d",
        "g",
        Verdict::Incorrect,
        3000,
    ));
    rows
}

#[test]
fn due_items_come_most_forgotten_first_then_new_ones_up_to_the_limit() {
    let mut reviews = reviews_of(&week(), "ana");
    let schedule = reviews.schedule(&defaults(), at(NOW));
    let items: Vec<Item> = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .map(|id| item("d", id))
        .collect();
    let retrievability = |id: &str| schedule.retrievability(schedule.card("d", id).unwrap());
    assert!(retrievability("b") < retrievability("d"));
    let plan = schedule.plan(items.clone(), 3);
    // b (seven days since a 2-day interval) is the most forgotten; c and d follow by their
    // retrievability; a, e and f are not due yet. f, first seen today, used one of the 3 new.
    assert_eq!(ids(&plan.items), ["b", "d", "c", "g", "h"]);
    assert_eq!(
        (plan.due, plan.new, plan.new_today, plan.new_waiting),
        (3, 2, 1, 1)
    );
    // No new item past the limit; none at all with a limit of 0 or 1.
    assert_eq!(ids(&schedule.plan(items.clone(), 0).items), ["b", "d", "c"]);
    assert_eq!(ids(&schedule.plan(items.clone(), 1).items), ["b", "d", "c"]);
    assert_eq!(schedule.plan(items.clone(), 10).new, 3);
    let counts = schedule.counts(&items);
    assert_eq!(
        counts,
        Counts {
            items: 9,
            new: 3,
            learning: 1,
            due_today: 3
        }
    );
    // After the due ones, the next is f's: Good today, so due in two days.
    let next = schedule.next_due(&items).unwrap();
    assert_eq!(next, schedule.card("d", "f").unwrap().due);
    assert_eq!(time::when(next, schedule.now()), "Sunday 08:00");
}

#[test]
fn nothing_due_names_the_next_due_time() {
    let rows = [row(
        "2026-11-27T09:00:00+01:00",
        "ana",
        "d",
        "a",
        Verdict::Correct,
        3000,
    )];
    let mut reviews = reviews_of(&rows, "ana");
    let schedule = reviews.schedule(&defaults(), at("2026-11-27T09:05:00+01:00"));
    let items = [item("d", "a")];
    let plan = schedule.plan(items.to_vec(), 10);
    assert!(plan.items.is_empty());
    let next = schedule.next_due(&items).unwrap();
    // One answer is its own median: Good, 2.31 days, so due in two days at the same time.
    assert_eq!(time::when(next, schedule.now()), "Sunday 09:00");
}

#[test]
fn replay_gives_each_review_its_state_rating_and_whether_it_was_due() {
    let mut rows = Vec::new();
    for (at, verdict, ms) in [
        ("2026-11-01T09:00:00Z", Verdict::Incorrect, 2000),
        ("2026-11-01T09:30:00Z", Verdict::Correct, 2000),
        ("2026-11-02T09:00:00Z", Verdict::Correct, 2000),
        ("2026-11-20T09:00:00Z", Verdict::NearMiss, 2000),
        ("2026-11-20T10:00:00Z", Verdict::Correct, 2000),
    ] {
        rows.push(row(at, "ana", "d", "a", verdict, ms));
    }
    // Rows out of order: replayed in time order.
    rows.reverse();
    let mut reviews = reviews_of(&rows, "ana");
    let mut seen = Vec::new();
    let cards = reviews.replay(&defaults(), |r| {
        seen.push((r.state, r.rating.number(), r.due));
    });
    assert_eq!(
        seen,
        [
            (State::New, 1, false),
            (State::Learning, 3, false),
            // Good the same day after a miss: a short stability, due the next day.
            (State::Review, 3, true),
            (State::Review, 1, true),
            (State::Relearning, 3, false),
        ]
    );
    assert_eq!(cards[0].state, State::Review);
    assert_eq!(cards[0].reviews, 5);
}

#[test]
fn transcription_other_users_and_unreadable_times_are_not_reviews() {
    let mut rows = week();
    let mut typed = rows[0].clone();
    typed.mode = Mode::Transcribe;
    typed.item = "t".into();
    rows.push(typed);
    let mut odd = rows[0].clone();
    odd.timestamp = "2026-11-27 soon".into();
    rows.push(odd);
    let reviews = reviews_of(&rows, "ana");
    assert_eq!(reviews.len(), 7);
    assert_eq!(reviews.unreadable, 1);
    let mut all = Reviews::new(None, None);
    for attempt in &rows {
        all.add(&attempt.as_ref());
    }
    assert_eq!(all.users().len(), 2);
}

/// Every card of every user and deck, as scheduled from these rows.
fn every_card(rows: &[Attempt], now: Moment) -> Vec<(String, String, String, Card)> {
    let mut users: Vec<&str> = rows.iter().map(|r| r.user.as_str()).collect();
    users.sort();
    users.dedup();
    let mut out = Vec::new();
    for user in users {
        let schedule = reviews_of(rows, user).schedule(&defaults(), now);
        for attempt in rows.iter().filter(|r| r.user == user) {
            if let Some(card) = schedule.card(&attempt.deck, &attempt.item) {
                out.push((
                    user.to_string(),
                    attempt.deck.clone(),
                    attempt.item.clone(),
                    *card,
                ));
            }
        }
    }
    out.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    out.dedup_by(|a, b| (&a.0, &a.1, &a.2) == (&b.0, &b.1, &b.2));
    out
}

/// A log of several users and decks, rows interleaved.
fn class(seed: u64, rows: usize) -> Vec<Attempt> {
    let mut rng = crate::drill::shuffle::Rng::new(seed);
    let verdicts = Verdict::ALL;
    (0..rows)
        .map(|_| {
            let pick = |rng: &mut crate::drill::shuffle::Rng, n: u64| rng.next_u64() % n;
            let day = 1 + pick(&mut rng, 27);
            let hour = pick(&mut rng, 24);
            let minute = pick(&mut rng, 60);
            let mut attempt = row(
                &format!("2026-11-{day:02}T{hour:02}:{minute:02}:00+01:00"),
                ["ana", "bob", "cy"][pick(&mut rng, 3) as usize],
                ["d1", "d2"][pick(&mut rng, 2) as usize],
                &format!("i{}", pick(&mut rng, 8)),
                verdicts[pick(&mut rng, verdicts.len() as u64) as usize],
                500 + pick(&mut rng, 9000),
            );
            attempt.backspaces = pick(&mut rng, 3);
            attempt
        })
        .collect()
}

#[test]
fn shuffled_rows_schedule_the_same() {
    let now = at(NOW);
    let rows = class(7, 600);
    let expected = every_card(&rows, now);
    assert!(expected.len() > 30);
    for seed in 0..5 {
        let mut shuffled = rows.clone();
        crate::drill::shuffle::Rng::new(seed).shuffle(&mut shuffled);
        assert_eq!(every_card(&shuffled, now), expected, "seed {seed}");
    }
}

/// A log file of these rows, its last row cut after `cut` bytes when given.
fn log_file(rows: &[Attempt], cut: Option<usize>) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let mut text = format!("{}\n", crate::record::HEADER);
    for attempt in rows {
        text.push_str(&attempt.to_csv_line());
    }
    if let (Some(cut), Some(last)) = (cut, rows.last()) {
        text.push_str(&last.to_csv_line()[..cut.min(20)]);
    }
    file.write_all(text.as_bytes()).unwrap();
    file
}

#[test]
fn a_log_schedules_as_its_rows_do() {
    let rows = class(3, 200);
    let file = log_file(&rows, Some(13));
    let mut from_file = Reviews::from_log(file.path(), "bob").unwrap();
    let mut from_rows = reviews_of(&rows, "bob");
    let now = at(NOW);
    let items: Vec<Item> = (0..8).map(|n| item("d1", &format!("i{n}"))).collect();
    let a = from_file.schedule(&defaults(), now).plan(items.clone(), 5);
    let b = from_rows.schedule(&defaults(), now).plan(items, 5);
    assert_eq!(ids(&a.items), ids(&b.items));
    assert!(
        Reviews::from_log(Path::new("/nonexistent/log.csv"), "bob")
            .unwrap()
            .is_empty()
    );
}

fn any_timestamp() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            1u32..=9999,
            1u32..=12,
            1u32..=31,
            0u32..24,
            0u32..60,
            -14i32..=14
        )
            .prop_map(|(y, mo, d, h, mi, off)| format!(
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00{}{:02}:00",
                if off < 0 { '-' } else { '+' },
                off.abs()
            )),
        "20[0-9]{2}-1[0-2]-[0-3][0-9][T ][0-9:.Z+-]{0,20}",
    ]
}

fn any_attempt() -> impl Strategy<Value = Attempt> {
    (
        any_timestamp(),
        prop_oneof![Just("ana"), Just("bob")],
        prop_oneof![
            Just(Mode::Practice),
            Just(Mode::Exam),
            Just(Mode::Transcribe)
        ],
        prop_oneof![Just("d1"), Just("d2"), Just("")],
        "[a-c]{0,2}",
        0usize..7,
        0u64..=crate::record::MAX_MS,
        0u64..5,
    )
        .prop_map(|(at, user, mode, deck, id, verdict, ms, backspaces)| {
            let mut attempt = row(&at, user, deck, &id, Verdict::ALL[verdict], ms);
            attempt.mode = mode;
            attempt.backspaces = backspaces;
            attempt
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_log_schedules_without_panic(
        rows in prop::collection::vec(any_attempt(), 0..60),
        cut in prop::option::of(0usize..40),
        now in any_timestamp(),
        limit in 0usize..4,
        retention in 0.7f64..=0.99,
    ) {
        let file = log_file(&rows, cut);
        let mut reviews = Reviews::from_log(file.path(), "ana").unwrap();
        let now = parse_timestamp(&now).unwrap_or_default();
        let params = Params::defaults(retention).unwrap();
        let mut seen = 0;
        reviews.replay(&params, |review| {
            assert!((1..=4).contains(&review.rating.number()));
            seen += 1;
        });
        prop_assert_eq!(seen, reviews.len());
        let schedule = reviews.schedule(&params, now);
        let items: Vec<Item> = ["a", "b", "c", "ab"].iter().map(|id| item("d1", id)).collect();
        let plan = schedule.plan(items.clone(), limit);
        prop_assert!(plan.new <= limit);
        prop_assert_eq!(plan.items.len(), plan.due + plan.new);
        let counts = schedule.counts(&items);
        prop_assert!(counts.new + counts.learning <= counts.items);
        let _ = schedule.next_due(&items).map(|due| time::when(due, now));
        for card in schedule.cards() {
            let r = schedule.retrievability(card);
            prop_assert!((0.0..=1.0).contains(&r), "{}", r);
        }
    }
}
