//! The terminal front end: raw-mode key input (crossterm), a countdown bar (indicatif) when
//! timed, and a guard plus a panic hook that always give the terminal back in cooked mode.

use std::io::{self, Write};
use std::sync::Once;
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::deadline::{self, Deadlines, Next};
use super::flags::{Mark, Tally, Visit};
use super::render::Palette;
use super::runner::{Frontend, Question};
use super::session::{Answer, Ending, Key};
use super::wrap::{terminal_width, wrap, wrap_line};
use crate::clock::Clock;
use crate::signals;
use crate::visible::visible;

/// Raw mode for as long as it lives.
pub struct RawGuard;

impl RawGuard {
    pub fn enter() -> Result<RawGuard> {
        install_panic_hook();
        terminal::enable_raw_mode().context("cannot put the terminal in raw mode")?;
        Ok(RawGuard)
    }
}

impl Drop for RawGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Cooked mode and a visible cursor again.
pub fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = crossterm::execute!(io::stdout(), crossterm::cursor::Show);
}

/// Restores the terminal if something left it in raw mode (on the error path).
pub fn restore_terminal_if_raw() {
    if terminal::is_raw_mode_enabled().unwrap_or(false) {
        restore_terminal();
    }
}

/// A panic restores the terminal before its message is printed.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
    });
}

/// Decodes a crossterm key event; `None` for keys that do nothing here.
pub fn decode_key(event: &KeyEvent) -> Option<Key> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    match event.code {
        KeyCode::Char('c') if ctrl => Some(Key::Interrupt),
        KeyCode::Char('d') if ctrl => Some(Key::Quit),
        KeyCode::Char(_) if ctrl => None,
        KeyCode::Char(c) => Some(Key::Char(c)),
        KeyCode::Backspace => Some(Key::Backspace),
        KeyCode::Enter => Some(Key::Enter),
        KeyCode::Esc => Some(Key::Esc),
        KeyCode::Tab => Some(Key::Flag),
        _ => None,
    }
}

/// [`TermFrontend::header`] in lines of at most `width` columns, continuing at 2 spaces.
fn header_at(question: &Question, palette: &Palette, width: usize) -> String {
    let mut text = String::from("\n");
    let mut header = format!("[{}/{}]", question.number, question.total);
    if !question.item.category.is_empty() {
        header.push_str(&format!(" {}", visible(&question.item.category)));
    }
    if let Some(setting) = question.item.setting {
        header.push_str(&format!(" · {}", setting.label()));
    }
    match question.visit {
        Visit::First if question.flagging => header.push_str(&open_counts(question.open)),
        Visit::First => {}
        Visit::Return {
            position, of, mark, ..
        } => {
            if position == 1 {
                let banner = review_banner(question.open);
                text.push_str(&palette.bold(&wrap_line(&banner, width, "", "  ")));
            }
            let mark = match mark {
                Mark::Flagged => "flagged",
                Mark::Skipped => "skipped",
            };
            header.push_str(&format!(" · review {position} of {of} · {mark}"));
        }
    }
    // Painted after wrapping so each escape stays with the text it colours.
    let header = wrap(&header, width, "", "  ");
    let prompt = super::wrap::wrap_prompt(&visible(question.shown), width);
    text.push_str(&format!(
        "{}\n{}\n",
        palette.dim(&header),
        palette.bold(&prompt)
    ));
    if question.flagging {
        text.push_str(&palette.dim(&wrap_line(FLAG_KEYS, width, "", "  ")));
    }
    text
}

/// The keys of an exam item, shown under its prompt.
const FLAG_KEYS: &str = "Enter submit · Tab flag · Esc skip · Ctrl-D end";

/// ` · 1 flagged · 2 skipped` on the first pass, or nothing while none are.
fn open_counts(open: Tally) -> String {
    let mut counts = String::new();
    for (count, what) in [(open.flagged, "flagged"), (open.skipped, "skipped")] {
        if count > 0 {
            counts.push_str(&format!(" · {count} {what}"));
        }
    }
    counts
}

/// `Flagged: 3 items to review`, as a review pass begins.
fn review_banner(open: Tally) -> String {
    match (open.flagged, open.skipped) {
        (flagged, 0) => format!("Flagged: {} to review", items(flagged)),
        (0, skipped) => format!("Skipped: {} to review", items(skipped)),
        (flagged, skipped) => format!(
            "Flagged and skipped: {} to review ({flagged} flagged, {skipped} skipped)",
            items(flagged + skipped)
        ),
    }
}

/// `1 item`, `3 items`.
fn items(count: usize) -> String {
    format!("{count} item{}", if count == 1 { "" } else { "s" })
}

/// The question after a review pass that left items open.
fn review_again_prompt(open: Tally) -> String {
    let open_now = match (open.flagged, open.skipped) {
        (flagged, 0) => format!("{} still flagged", items(flagged)),
        (0, skipped) => format!("{} still skipped", items(skipped)),
        (flagged, skipped) => format!("{flagged} flagged and {skipped} skipped still open"),
    };
    format!(
        "End the exam? {open_now}. Enter: review again · e: end (open items count as they stand)"
    )
}

/// Time left as `42s` or, from a minute up, `12:05`.
fn time_left(left: Duration) -> String {
    let seconds = left.as_secs_f64().ceil() as u64;
    if seconds < 60 {
        format!("{seconds}s")
    } else {
        format!("{}:{:02}", seconds / 60, seconds % 60)
    }
}

/// Asks items on the terminal.
pub struct TermFrontend {
    pub palette: Palette,
}

impl TermFrontend {
    /// The item's number, category and prompt, wrapped to the terminal; the deck's text
    /// shown through [`visible`].
    fn header(&self, question: &Question) -> String {
        header_at(question, &self.palette, terminal_width())
    }

    fn bar(&self, question: &Question, clock: &dyn Clock) -> ProgressBar {
        let started = clock.now();
        let span = question
            .deadlines
            .first()
            .map(|d| d.saturating_sub(started));
        let target = ProgressDrawTarget::stdout_with_hz(30);
        let template = match span {
            Some(_) => "{bar:24.cyan/blue} {prefix:>5} > {msg}",
            None => "> {msg}",
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("█▉ ");
        let length = span.map(|s| s.as_millis() as u64).unwrap_or(1).max(1);
        let bar = ProgressBar::with_draw_target(Some(length), target).with_style(style);
        // The bar shows the time left: full when the prompt is drawn, empty when time is up.
        bar.set_position(length);
        bar.set_message("");
        bar
    }
}

impl Frontend for TermFrontend {
    fn can_flag(&self) -> bool {
        true
    }

    fn review_again(
        &mut self,
        open: Tally,
        deadlines: &Deadlines,
        clock: &dyn Clock,
    ) -> Result<bool> {
        signals::watch(restore_terminal_if_raw);
        let mut stdout = io::stdout();
        let prompt = wrap(&review_again_prompt(open), terminal_width(), "", "");
        write!(stdout, "\n{}\n", self.palette.bold(&prompt))?;
        stdout.flush()?;
        let guard = RawGuard::enter()?;
        let (again, note) = loop {
            let now = clock.now();
            let wait = match deadline::next(deadlines, now, signals::requested()) {
                Next::Wait(wait) => wait,
                Next::End(Ending::TimedOut) => break (false, "(time is up)"),
                Next::End(_) => break (false, ""),
            };
            // Drawn as the countdown bar is, without failing: a closed terminal ends the
            // session through its signal.
            if let Some(end) = deadlines.session {
                let _ = write!(stdout, "\r\x1b[2Ktime left {}", time_left(end - now))
                    .and_then(|()| stdout.flush());
            }
            let Some(Event::Key(event)) = next_event(wait)? else {
                continue;
            };
            match decode_key(&event) {
                Some(Key::Enter | Key::Char('r' | 'R' | ' ')) => break (true, ""),
                Some(Key::Char('e' | 'E') | Key::Quit) => break (false, ""),
                Some(Key::Interrupt) => {
                    signals::note_interrupt();
                    break (false, "");
                }
                _ => {}
            }
        };
        drop(guard);
        // The time-left line gives way to the note, or to the next screen.
        let note = if note.is_empty() {
            String::new()
        } else {
            format!("{}\n", self.palette.red(note))
        };
        let shown = write!(stdout, "\r\x1b[2K{note}").and_then(|()| stdout.flush());
        if let Err(err) = shown
            && !signals::requested()
        {
            return Err(err.into());
        }
        Ok(again)
    }

    fn pause(&mut self) -> Result<bool> {
        signals::watch(restore_terminal_if_raw);
        let mut stdout = io::stdout();
        write!(stdout, "{}", self.palette.dim("Enter: next item · q: end"))?;
        stdout.flush()?;
        let guard = RawGuard::enter()?;
        let go_on = loop {
            if signals::requested() {
                break false;
            }
            let Some(Event::Key(event)) = next_event(deadline::TICK)? else {
                continue;
            };
            match decode_key(&event) {
                Some(Key::Enter | Key::Char(' ')) => break true,
                Some(Key::Interrupt) => {
                    signals::note_interrupt();
                    break false;
                }
                Some(Key::Char('q' | 'Q') | Key::Esc | Key::Quit) => break false,
                _ => {}
            }
        };
        drop(guard);
        // The hint line is replaced by a blank one before the next item.
        let cleared = write!(stdout, "\r\x1b[2K").and_then(|()| stdout.flush());
        if let Err(err) = cleared
            && !signals::requested()
        {
            return Err(err.into());
        }
        Ok(go_on)
    }

    fn ask(&mut self, question: &Question, clock: &dyn Clock) -> Result<Answer> {
        signals::watch(restore_terminal_if_raw);
        let mut stdout = io::stdout();
        write!(stdout, "{}", self.header(question))?;
        stdout.flush()?;
        let bar = self.bar(question, clock);
        let guard = RawGuard::enter()?;
        super::runner::inject_panic(question.number);
        let started = clock.now();
        let mut typing = question.start_typing(started);
        // A return visit shows the answer it was left with.
        bar.set_message(visible(typing.text()).into_owned());
        let ending = loop {
            // SIGTERM, SIGHUP or SIGINT end the session like Ctrl-C.
            let now = clock.now();
            let wait = match deadline::next(&question.deadlines, now, signals::requested()) {
                Next::Wait(wait) => wait,
                Next::End(ending) => break ending,
            };
            if let Some(deadline) = question.deadlines.first() {
                bar.set_position((deadline - now).as_millis() as u64);
                bar.set_prefix(time_left(deadline - now));
            }
            let Some(Event::Key(event)) = next_event(wait)? else {
                continue;
            };
            let Some(key) = decode_key(&event) else {
                continue;
            };
            if key == Key::Interrupt {
                signals::note_interrupt();
            }
            let before = typing.text().len();
            if let Some(ending) = typing.press(key, clock.now()) {
                break ending;
            }
            // Redraw only on a change: past the length cap a pasted flood changes nothing.
            if typing.text().len() != before {
                bar.set_message(visible(typing.text()).into_owned());
            }
        };
        let at = clock.now();
        bar.finish_and_clear();
        drop(guard);
        // The session drops control keys, but the echo does not rely on it.
        let typed = visible(typing.text());
        let shown = match ending {
            Ending::TimedOut => format!("> {typed}  {}", self.palette.red("(time is up)")),
            Ending::Quit => format!("> {typed}  {}", self.palette.dim("(session ended)")),
            Ending::Flagged => {
                format!("> {typed}  {}", self.palette.yellow("(flagged for review)"))
            }
            Ending::Skipped if question.flagging => {
                format!(
                    "> {typed}  {}",
                    self.palette.dim("(skipped: offered again at the end)")
                )
            }
            _ => format!("> {typed}"),
        };
        // A closed terminal (SIGHUP) cannot show the line; the session still ends cleanly.
        let shown = writeln!(stdout, "{shown}").and_then(|()| stdout.flush());
        if let Err(err) = shown
            && !signals::requested()
        {
            return Err(err.into());
        }
        Ok(Answer { ending, typing, at })
    }
}

/// The next terminal event within `wait`, if any. A terminal that fails while a signal is
/// ending the session (it was closed) gives no event rather than an error.
fn next_event(wait: Duration) -> Result<Option<Event>> {
    let read = || -> io::Result<Option<Event>> {
        if !event::poll(wait)? {
            return Ok(None);
        }
        event::read().map(Some)
    };
    match read() {
        Ok(event) => Ok(event),
        Err(_) if signals::requested() => Ok(None),
        Err(err) => Err(err).context("cannot read the terminal"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> Option<Key> {
        decode_key(&KeyEvent::new(code, modifiers))
    }

    use crate::deck::Item;

    const PLAIN: Palette = Palette { enabled: false };

    fn question<'a>(item: &'a Item, visit: Visit, open: Tally) -> Question<'a> {
        Question {
            number: 2,
            total: 5,
            item,
            shown: &item.prompt,
            deadlines: Deadlines::default(),
            flagging: true,
            visit,
            open,
            resume: None,
        }
    }

    fn item() -> Item {
        Item {
            id: "g2".into(),
            prompt: "Essential hypertension".into(),
            answer: "I10".into(),
            system: crate::codes::System::Icd10cm,
            accept: String::new(),
            category: "Circulatory".into(),
            rationale: String::new(),
            optional: String::new(),
            setting: None,
            deck: "good".into(),
            line: 3,
        }
    }

    #[test]
    fn an_exam_item_shows_its_keys_and_the_open_items() {
        let item = item();
        let open = Tally {
            flagged: 1,
            skipped: 2,
        };
        let first = header_at(&question(&item, Visit::First, open), &PLAIN, 80);
        assert_eq!(
            first,
            "\n[2/5] Circulatory · 1 flagged · 2 skipped\nEssential hypertension\n\
             Enter submit · Tab flag · Esc skip · Ctrl-D end\n"
        );
        let back = Visit::Return {
            pass: 1,
            position: 1,
            of: 3,
            mark: Mark::Skipped,
        };
        let review = header_at(&question(&item, back, open), &PLAIN, 80);
        assert!(
            review.starts_with(
                "\nFlagged and skipped: 3 items to review (1 flagged, 2 skipped)\n\
                 [2/5] Circulatory · review 1 of 3 · skipped\n"
            ),
            "{review}"
        );
        let mut practice = question(&item, Visit::First, Tally::default());
        practice.flagging = false;
        assert_eq!(
            header_at(&practice, &PLAIN, 80),
            "\n[2/5] Circulatory\nEssential hypertension\n"
        );
    }

    #[test]
    fn review_texts_name_what_is_open() {
        let flagged = |flagged, skipped| Tally { flagged, skipped };
        assert_eq!(review_banner(flagged(3, 0)), "Flagged: 3 items to review");
        assert_eq!(review_banner(flagged(0, 1)), "Skipped: 1 item to review");
        assert_eq!(
            review_again_prompt(flagged(1, 0)),
            "End the exam? 1 item still flagged. Enter: review again · e: end (open items \
             count as they stand)"
        );
        assert!(review_again_prompt(flagged(2, 1)).contains("2 flagged and 1 skipped still open"));
    }

    #[test]
    fn decodes_keys() {
        assert_eq!(
            press(KeyCode::Char('e'), KeyModifiers::NONE),
            Some(Key::Char('e'))
        );
        assert_eq!(
            press(KeyCode::Char('E'), KeyModifiers::SHIFT),
            Some(Key::Char('E'))
        );
        assert_eq!(
            press(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Key::Interrupt)
        );
        assert_eq!(
            press(KeyCode::Char('d'), KeyModifiers::CONTROL),
            Some(Key::Quit)
        );
        assert_eq!(press(KeyCode::Char('x'), KeyModifiers::CONTROL), None);
        assert_eq!(
            press(KeyCode::Backspace, KeyModifiers::NONE),
            Some(Key::Backspace)
        );
        assert_eq!(press(KeyCode::Enter, KeyModifiers::NONE), Some(Key::Enter));
        assert_eq!(press(KeyCode::Esc, KeyModifiers::NONE), Some(Key::Esc));
        assert_eq!(press(KeyCode::Tab, KeyModifiers::NONE), Some(Key::Flag));
        assert_eq!(press(KeyCode::Left, KeyModifiers::NONE), None);
    }
}
