# Generates templated hard benign lines (seeded, deterministic). Written for the detector's benign control set.
import random
r = random.Random(20240612)
names = ["O'Brien", "O'Neill", "D'Angelo", "McDonald's", "Dunkin'", "Trader Joe's", "Macy's", "Lowe's", "Kohl's",
         "Ben & Jerry's", "Toys \"R\" Us", "Land's End", "Chick-fil-A", "Wendy's", "Domino's", "Sainsbury's",
         "D'Arcy", "N'Golo", "L'Oréal", "Hershey's"]
verbs = ["select", "drop", "update", "delete", "insert", "order", "group", "union", "join", "alter", "create",
         "grant", "declare", "execute", "sleep", "wait", "cast", "convert", "count", "limit"]
objs = ["the blue shoes", "a table for two", "my old account", "the kids", "the draft", "your size", "a seat by the window",
        "the last item", "the meeting", "the receipt", "the 3 o'clock slot", "a new password", "the red one",
        "all the photos", "the box", "a topping", "the invoice", "the dog's bed"]
tails = ["-- thanks!", "; cheers.", "-- asap please", "; no rush.", " (if possible).", " -- or tomorrow.", "; or 2 if cheaper.",
         " -- it's urgent.", "!", "?", "; see below.", " -- see attached.", " :)", " -- ty", "; and 1 more thing.", ""]
openers = ["Could you", "Please", "Can you", "Don't", "I'll", "We'll", "Why can't I", "How do I", "Should I", "Let's",
           "Remember to", "Did you", "I can't", "Who's going to"]
out = set()
for _ in range(260):
    s = f"{r.choice(openers)} {r.choice(verbs)} {r.choice(objs)}{r.choice(tails)}"
    out.add(s[0].upper() + s[1:])
products = ["table", "chair", "lamp", "sofa", "desk", "shelf", "rug", "bed", "mirror", "stool"]
adjs = ["Union", "Select", "Drop-leaf", "Order", "Group", "Script", "Alert", "Null", "Where", "Having", "Exec", "Sleep"]
for _ in range(140):
    p = f"{r.choice(adjs)} {r.choice(products)} -- {r.choice(['oak', 'pine', 'walnut', 'steel'])}, {r.randint(40, 220)} cm; ${r.randint(19, 999)}"
    out.add(p)
reviews = ["5 stars -- {n}'s best {p} yet; {v} it again", "Returned the {p}; {n} said I can't {v} it twice",
           "{n} {p} review: don't {v} -- wait for the sale", "Bought 1 or 2 {p}s at {n} -- {v} by Friday",
           "Q: can I {v} the {p} later? A: yes, within 30 days ({n} policy)", "\"{v}\" button on {n}'s {p} page is broken"]
for _ in range(200):
    out.add(r.choice(reviews).format(n=r.choice(names), p=r.choice(products), v=r.choice(verbs)))
queries = ["{v} {p} near me", "how to {v} a {p}", "{n} {p} {v}", "best {p} to {v} in 2024", "{v} vs {w} {p}",
           "\"{v} {p}\" meaning", "{p} {v} -- reddit", "can't {v} {p} -- help", "{n} hours; {v} {p}"]
for _ in range(220):
    out.add(r.choice(queries).format(n=r.choice(names), p=r.choice(products), v=r.choice(verbs), w=r.choice(verbs)))
keys = ["q", "select", "order", "sort", "where", "filter", "group", "from", "to", "union", "drop", "page", "lang", "ref"]
vals = ["union+select+hotel", "drop-leaf", "desc", "asc", "o%27brien", "don%27t", "1", "2024-01-01", "name%2Cprice",
        "red", "%22quoted%22", "a%3Bb", "x--y", "50%25", "select", "all", "price-desc", "en-GB", "C%2B%2B", "%C3%A9t%C3%A9"]
for _ in range(160):
    k = r.sample(keys, r.randint(1, 4))
    out.add("https://www.example.com/" + r.choice(["search", "shop", "list", "p/12", "catalog/tables"]) + "?" +
            "&".join(f"{a}={r.choice(vals)}" for a in k))
for s in sorted(out):
    print(s)
