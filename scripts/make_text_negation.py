#!/usr/bin/python3
"""Writes models/text-negation/{train,val}.jsonl: review sentences whose label needs negation.

Every sentence says that a reviewed thing has, or does not have, a good or a bad quality.
The label is positive when the review affirms a good quality or denies a bad one, negative
when it affirms a bad quality or denies a good one: label = polarity XOR negated. Each
(thing, quality) pair appears twice, once affirmed and once negated, with opposite labels,
so the polarity word alone predicts nothing. Things are disjoint between the two files;
qualities and sentence frames are shared. All fragments were written for this project.

Run from the repository root: /usr/bin/python3 scripts/make_text_negation.py
"""
import json
import random
from pathlib import Path

THINGS = [
    "the hotel room", "the pasta", "the customer service", "the new phone", "the concert",
    "the train ride", "the museum tour", "the rental car", "the laptop keyboard", "the coffee",
    "the yoga class", "the documentary", "the pair of hiking boots", "the dentist visit", "the wedding venue",
    "the video game", "the bakery", "the science fiction novel", "the airline", "the vacuum cleaner",
    "the city bus", "the plumber's work", "the theatre play", "the pair of running shoes", "the pizza place",
    "the math tutor", "the camping tent", "the office chair", "the guided kayak trip", "the podcast",
    "the sushi bar", "the mattress", "the language app", "the car wash", "the board game",
    "the haircut", "the ski resort", "the pair of headphones", "the kitchen knife", "the cooking course",
    "the bike shop", "the streaming service", "the garden centre", "the night market", "the photo printer",
    "the swimming pool", "the winter jacket", "the escape room",
]

GOOD = [
    "excellent", "a pleasure", "worth every penny", "a joy to use", "well made",
    "great value", "comfortable", "delightful", "reliable", "impressive", "a good choice",
    "fun from start to finish",
]

BAD = [
    "awful", "a waste of money", "a pain to deal with", "badly made", "overpriced", "uncomfortable",
    "disappointing", "unreliable", "a letdown", "a bad choice", "boring from start to finish",
    "dirty",
]

AFFIRM = [
    "{T} was {Q}.", "Honestly, {t} was {Q}.", "I found {t} {Q}.", "In my opinion {t} is {Q}.",
    "We all agreed that {t} was {Q}.", "My sister said {t} was {Q}, and she was right.",
    "After two visits I can say {t} is {Q}.", "{T} turned out to be {Q}.",
]

NEGATE = [
    "{T} was not {Q}.", "Honestly, {t} wasn't {Q}.", "I did not find {t} {Q}.",
    "In my opinion {t} is not {Q}.", "We all agreed that {t} was never {Q}.",
    "My sister said {t} was {Q}, but she was wrong.", "After two visits I can say {t} isn't {Q}.",
    "{T} turned out to be anything but {Q}.", "Nobody could call {t} {Q}.", "{T} was far from {Q}.",
]


def sentence(frame, thing, quality):
    return frame.format(T=thing[0].upper() + thing[1:], t=thing, Q=quality)


def samples(things, rng):
    rows = []
    for thing in things:
        for quality in rng.sample(GOOD, 2) + rng.sample(BAD, 2):
            good = quality in GOOD
            rows.append({"text": sentence(rng.choice(AFFIRM), thing, quality),
                         "label": "positive" if good else "negative"})
            rows.append({"text": sentence(rng.choice(NEGATE), thing, quality),
                         "label": "negative" if good else "positive"})
    rng.shuffle(rows)
    return rows


def main():
    rng = random.Random(20261126)
    things = THINGS[:]
    rng.shuffle(things)
    out = Path("models/text-negation")
    out.mkdir(parents=True, exist_ok=True)
    for name, part in (("train", things[:36]), ("val", things[36:])):
        with open(out / f"{name}.jsonl", "w") as f:
            for row in samples(part, rng):
                f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
