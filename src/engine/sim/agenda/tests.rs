//! The agenda's unit tests: a tie's picks, a preloaded calendar's order, items scheduled before an open tie.

use super::*;

fn item(time: u64, seq: u64) -> Agendum {
    Agendum {
        time,
        seq,
        cause: None,
        what: Pending::CrmCycle,
    }
}

#[test]
fn picks_the_same_items_as_popping_the_whole_tie() {
    let mut agenda = Agenda::default();
    let mut reference = Vec::new();
    let mut seq = 0;
    let mut add = |agenda: &mut Agenda, reference: &mut Vec<Agendum>, time| {
        seq += 1;
        // Every third item is about nobody; the others about person `seq`.
        let person = (seq % 3 != 0).then_some(seq as PersonId);
        agenda.push(item(time, seq), person);
        reference.push(item(time, seq));
    };
    // Ties of 100 at three times: indexed (and compacted) ones, and small ones at the
    // end of each.
    for i in 0..300 {
        add(&mut agenda, &mut reference, 10 + i % 3);
    }
    let mut x: u64 = 7;
    let mut step = 0;
    while !agenda.is_empty() {
        step += 1;
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        reference.sort_unstable();
        let t = reference[0].time;
        let want_ready: Vec<u64> = reference
            .iter()
            .take_while(|a| a.time == t)
            .map(|a| a.seq)
            .collect();
        let ready: Vec<u64> = agenda.ready_now().iter().map(|a| a.seq).collect();
        assert_eq!(ready, want_ready);
        let mut asked = None;
        let mut told = None;
        let got = agenda
            .pop_choosing(
                |n| {
                    asked = Some(n);
                    (x >> 33) as usize % n as usize
                },
                |p| told = Some(p),
            )
            .expect("not empty");
        assert_eq!(asked.map_or(1, |n| n as usize), ready.len());
        // A pick from a large tie names its item's person ahead (through every move
        // of the item between the heap and the tie).
        if told.is_some() || ready.len() >= TIE_INDEX_FROM && got.seq % 3 != 0 {
            assert_eq!(told, Some(got.seq as PersonId));
        }
        let k = asked.map_or(0, |n| (x >> 33) as usize % n as usize);
        assert_eq!(got, reference.remove(k));
        // Items scheduled while a tie is open join it (at its time) or wait.
        if step % 5 == 0 {
            add(&mut agenda, &mut reference, got.time);
            add(&mut agenda, &mut reference, got.time + 1);
        }
        assert_eq!(agenda.len(), reference.len());
    }
}

#[test]
fn a_preloaded_calendar_comes_out_in_order() {
    // As a run's scripts make it: people at fixed times in order, then people at drawn
    // times; and again over what is left (the old calendar is merged in too).
    let mut agenda = Agenda::default();
    let mut x: u64 = 3;
    let mut seq = 0;
    let mut want = Vec::new();
    for round in 0..3 {
        let mut items = agenda.take_calendar();
        for i in 0..200 {
            seq += 1;
            let time = if i < 120 {
                (i / 40) as u64
            } else {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                5 + (x >> 40) % 30
            };
            items.push(item(time, seq));
            want.push((time, seq));
        }
        agenda.preload(items);
        if round < 2 {
            // Take a few, leaving the rest for the next preload.
            want.sort_unstable();
            for w in want.drain(..10) {
                let got = agenda.pop_choosing(|_| 0, |_| {}).expect("items left");
                assert_eq!((got.time, got.seq), w);
            }
        }
    }
    want.sort_unstable();
    for w in want {
        let got = agenda.pop_choosing(|_| 0, |_| {}).expect("items left");
        assert_eq!((got.time, got.seq), w);
    }
    assert!(agenda.is_empty());
}

#[test]
fn an_item_scheduled_before_the_tie_runs_first() {
    let mut agenda = Agenda::default();
    for seq in 1..=20 {
        agenda.push(item(50, seq), None);
    }
    let ahead = |_| {};
    assert_eq!(agenda.pop_choosing(|_| 1, ahead).map(|a| a.seq), Some(2));
    assert!(agenda.tie.is_some());
    agenda.push(item(40, 99), None);
    assert_eq!(agenda.ready_now().len(), 1);
    let no_tie = |_| panic!("no tie");
    assert_eq!(agenda.pop_choosing(no_tie, ahead).map(|a| a.seq), Some(99));
    let ready: Vec<u64> = agenda.ready_now().iter().map(|a| a.seq).collect();
    assert_eq!(ready, [1].into_iter().chain(3..=20).collect::<Vec<_>>());
    assert_eq!(
        agenda
            .pop_choosing(|n| n as usize - 1, ahead)
            .map(|a| a.seq),
        Some(20)
    );
    assert_eq!(agenda.len(), 18);
}
