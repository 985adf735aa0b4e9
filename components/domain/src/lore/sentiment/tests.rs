//! Parity with the reference: every score below is what vaderSentiment 3.3.2's
//! `polarity_scores` returns (the README's examples, the demo's tricky sentences and
//! paragraph, and edge cases for each rule). The README's own listing predates 3.3.2 in
//! two places ("At least it isn't a horrible book." pos 0.363 and the emoji line 0.7003);
//! the numbers here are the released code's.

use super::polarity_scores;

const README: &[(&str, f64, f64, f64, f64)] = &[
    (
        "VADER is smart, handsome, and funny.",
        0.0,
        0.254,
        0.746,
        0.8316,
    ),
    (
        "VADER is smart, handsome, and funny!",
        0.0,
        0.248,
        0.752,
        0.8439,
    ),
    (
        "VADER is very smart, handsome, and funny.",
        0.0,
        0.299,
        0.701,
        0.8545,
    ),
    (
        "VADER is VERY SMART, handsome, and FUNNY.",
        0.0,
        0.246,
        0.754,
        0.9227,
    ),
    (
        "VADER is VERY SMART, handsome, and FUNNY!!!",
        0.0,
        0.233,
        0.767,
        0.9342,
    ),
    (
        "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
        0.0,
        0.294,
        0.706,
        0.9469,
    ),
    (
        "VADER is not smart, handsome, nor funny.",
        0.646,
        0.354,
        0.0,
        -0.7424,
    ),
    ("The book was good.", 0.0, 0.508, 0.492, 0.4404),
    (
        "At least it isn't a horrible book.",
        0.0,
        0.678,
        0.322,
        0.431,
    ),
    ("The book was only kind of good.", 0.0, 0.697, 0.303, 0.3832),
    (
        "The plot was good, but the characters are uncompelling and the dialog is not great.",
        0.327,
        0.579,
        0.094,
        -0.7042,
    ),
    ("Today SUX!", 0.779, 0.221, 0.0, -0.5461),
    (
        "Today only kinda sux! But I'll get by, lol",
        0.127,
        0.556,
        0.317,
        0.5249,
    ),
    ("Make sure you :) or :D today!", 0.0, 0.294, 0.706, 0.8633),
    (
        "Catch utf-8 emoji such as 💘 and 💋 and 😁",
        0.0,
        0.583,
        0.417,
        0.875,
    ),
    ("Not bad at all", 0.0, 0.513, 0.487, 0.431),
];
const TRICKY: &[(&str, f64, f64, f64, f64)] = &[
    (
        "Sentiment analysis has never been good.",
        0.325,
        0.675,
        0.0,
        -0.3412,
    ),
    (
        "Sentiment analysis has never been this good!",
        0.0,
        0.621,
        0.379,
        0.5672,
    ),
    (
        "Most automated sentiment analysis tools are shit.",
        0.375,
        0.625,
        0.0,
        -0.5574,
    ),
    (
        "With VADER, sentiment analysis is the shit!",
        0.0,
        0.583,
        0.417,
        0.6476,
    ),
    (
        "Other sentiment analysis tools can be quite bad.",
        0.351,
        0.649,
        0.0,
        -0.5849,
    ),
    (
        "On the other hand, VADER is quite bad ass",
        0.0,
        0.423,
        0.577,
        0.802,
    ),
    ("VADER is such a badass!", 0.0, 0.598, 0.402, 0.4003),
    (
        "Without a doubt, excellent idea.",
        0.0,
        0.341,
        0.659,
        0.7013,
    ),
    (
        "Roger Dodger is one of the most compelling variations on this theme.",
        0.0,
        0.834,
        0.166,
        0.2944,
    ),
    (
        "Roger Dodger is at least compelling as a variation on the theme.",
        0.0,
        0.853,
        0.147,
        0.2263,
    ),
    (
        "Roger Dodger is one of the least compelling variations on this theme.",
        0.132,
        0.868,
        0.0,
        -0.1695,
    ),
    ("Not such a badass after all.", 0.289, 0.711, 0.0, -0.2584),
    (
        "Without a doubt, an excellent idea.",
        0.0,
        0.408,
        0.592,
        0.7013,
    ),
    (
        "It was one of the worst movies I've seen, despite good reviews.",
        0.394,
        0.606,
        0.0,
        -0.7584,
    ),
    ("Unbelievably bad acting!!", 0.686, 0.314, 0.0, -0.6572),
    ("Poor direction.", 0.756, 0.244, 0.0, -0.4767),
    ("VERY poor production.", 0.674, 0.326, 0.0, -0.6281),
    ("The movie was bad.", 0.538, 0.462, 0.0, -0.5423),
    ("Very bad movie.", 0.655, 0.345, 0.0, -0.5849),
    ("VERY BAD movie!", 0.735, 0.265, 0.0, -0.7616),
];
const EDGE_CASES: &[(&str, f64, f64, f64, f64)] = &[
    ("good good good but bad bad", 0.581, 0.061, 0.358, -0.7684),
    ("no no good", 0.454, 0.189, 0.357, -0.1326),
    ("kind of nice", 0.0, 0.417, 0.583, 0.4215),
    ("I am not happy??", 0.528, 0.472, 0.0, -0.52),
    ("Happy???", 0.0, 0.0, 1.0, 0.6416),
    (
        "I love it. No, I do not hate it… Well, I'm kind of fed up!!!!!",
        0.082,
        0.541,
        0.377,
        0.8202,
    ),
    ("yeah right, the bomb", 0.432, 0.27, 0.297, -0.25),
    ("least good", 0.706, 0.294, 0.0, -0.3412),
    ("very least good", 0.0, 0.386, 0.614, 0.4902),
    ("no problem or worry", 0.0, 0.3, 0.7, 0.5667),
];

fn check(cases: &[(&str, f64, f64, f64, f64)]) {
    for &(text, neg, neu, pos, compound) in cases {
        let s = polarity_scores(text);
        let got = [s.neg, s.neu, s.pos, s.compound];
        let want = [neg, neu, pos, compound];
        assert!(
            got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-9),
            "{text:?}: got {got:?}, want {want:?}"
        );
        println!("{text:<70} {compound:>7.4}");
    }
}

#[test]
fn readme_examples_match_the_reference() {
    check(README);
}

#[test]
fn tricky_sentences_match_the_reference() {
    check(TRICKY);
}

#[test]
fn edge_cases_match_the_reference() {
    check(EDGE_CASES);
}

#[test]
fn text_without_words_scores_zero() {
    for text in ["", "   ", "\n\t"] {
        let s = polarity_scores(text);
        assert_eq!([s.neg, s.neu, s.pos, s.compound], [0.0; 4]);
    }
}
