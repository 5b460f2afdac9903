//! The sample mail dumps under `threads/mailing-list/`, loaded as a build loads them:
//! detected without hints, decoded from their own bytes, threaded.

use threadarc::load::{Dump, Loaded, load};
use threadarc::model::Format;
use threadarc::model::Thread;

fn load_sample(name: &str) -> Loaded {
    let path = format!("threads/mailing-list/{name}");
    let bytes = std::fs::read(&path).unwrap();
    let loaded = load(&Dump::text(&path, "mailing-list", &bytes));
    assert!(loaded.diagnostics.is_empty(), "{name}: {:?}", loaded.diagnostics);
    loaded
}

fn thread<'a>(loaded: &'a Loaded, title: &str) -> &'a Thread {
    loaded.threads.iter().find(|t| t.title == title).unwrap_or_else(|| {
        let titles: Vec<&str> = loaded.threads.iter().map(|t| t.title.as_str()).collect();
        panic!("no thread {title:?} in {titles:?}")
    })
}

/// Number, author, reply_to of each post.
fn shape(thread: &Thread) -> Vec<(u32, &str, Option<u32>)> {
    thread.posts.iter().map(|p| (p.number, p.author.as_deref().unwrap_or("?"), p.reply_to)).collect()
}

#[test]
fn mboxrd_month() {
    let l = load_sample("lakeside-astro-2023-03.mbox");
    assert_eq!(l.detection.as_ref().unwrap().format, Format::Mbox);
    assert_eq!(l.threads.len(), 4);

    let marathon = thread(&l, "Messier marathon this Saturday?");
    assert_eq!(
        shape(marathon),
        [
            (1, "Dana Whitfield", None),
            (2, "Tomás Ortega", Some(1)),
            (3, "Priya Natarajan", Some(2)),
            (4, "Dana Whitfield", Some(3))
        ]
    );
    let [dana, tomas, priya, plan] = &marathon.posts[..] else { unreachable!() };
    assert_eq!(dana.date.unwrap().to_string(), "2023-03-07T01:42:10Z");
    assert_eq!(dana.extra.subject.as_deref(), Some("[Lakeside-Astro] Messier marathon this Saturday?"));
    assert!(dana.body.contains("\n-- \nDana Whitfield\n"), "{}", dana.body);
    // Quoted-printable UTF-8.
    assert!(tomas.body.contains("96 — M30") && tomas.body.contains("Señor Ramírez"), "{}", tomas.body);
    // Base64, and a From rewritten by the list for DMARC: the person and their Reply-To.
    assert!(priya.body.starts_with("I'm in too"), "{}", priya.body);
    assert_eq!(priya.extra.email.as_deref(), Some("priya.n@example.com"));
    // mboxrd: `>From` in a body is `From`.
    assert!(plan.body.contains("\nFrom the top of the hill"), "{}", plan.body);

    let collimation = thread(&l, "Collimating a Newtonian — cheshire or laser?");
    assert_eq!(shape(collimation), [(1, "Kowalski, Rob", None), (2, "Mei Lin", Some(1))]);
    // multipart/alternative: the plain part, not the HTML one.
    let mei = &collimation.posts[1];
    assert!(mei.body.starts_with("Get the cheshire first.") && !mei.body.contains("<p>"), "{}", mei.body);

    // An 8-bit Latin-1 message with an ISO-8859-1 encoded-word subject.
    let munich = thread(&l, "Grüße aus München: Tag der offenen Tür");
    assert_eq!(munich.posts[0].author.as_deref(), Some("Jürgen Weiß"));
    assert!(munich.posts[0].body.contains("Viele Grüße aus Bayern"), "{}", munich.posts[0].body);

    // A reply to a message the file does not hold.
    let hearing = thread(&l, "County lighting ordinance hearing");
    assert_eq!(shape(hearing), [(1, "Gail Owusu", None)]);
}

#[test]
fn pipermail_archive() {
    let l = load_sample("lakeside-astro-2023-March.txt");
    assert_eq!(l.detection.as_ref().unwrap().format, Format::Mbox);
    let results = thread(&l, "Marathon results");
    assert_eq!(shape(results), [(1, "Dana Whitfield", None), (2, "Tomás Ortega", Some(1))]);
    assert_eq!(results.posts[0].extra.email.as_deref(), Some("dana.whitfield@example.org"));
    // No charset anywhere and windows-1252 bytes: curly quotes and accents survive.
    let loaners = thread(&l, "Loaner scopes for the library programme");
    assert!(loaners.posts[0].body.contains("we’d lend") && loaners.posts[0].body.contains("Lefèvre"));
}

#[test]
fn pipermail_month_continuing_the_last() {
    let l = load_sample("lakeside-astro-2023-April.txt");
    assert_eq!(l.detection.as_ref().unwrap().format, Format::Mbox);
    assert_eq!(l.threads.len(), 2);
    // Read alone, the replies to March's message hang under its empty place: two roots.
    let loaners = thread(&l, "Loaner scopes for the library programme");
    assert_eq!(
        shape(loaners),
        [
            (1, "Mei Lin", None),
            (2, "Kowalski, Rob", Some(1)),
            (3, "Gail Owusu", None),
            (4, "Siobhán Ní Bhriain", Some(2)),
            (5, "Kowalski, Rob", Some(4)),
            (6, "Kowalski, Rob", Some(3))
        ]
    );
    let march = "20230314214500.GB1187@workstation.example.com";
    assert_eq!(loaners.posts[0].extra.links, [march]);
    assert_eq!(loaners.posts[0].extra.id.as_deref(), Some("5d1e8a40.mei@example.org"));
    // The scrubber's note is an attachment linked by its URL, not body text.
    let card = &loaners.posts[1];
    assert!(card.body.ends_with("loaner programme before.\n\nRob"), "{}", card.body);
    let attached: Vec<(&str, bool)> = card.extra.attachments.iter().map(|a| (a.name.as_str(), a.is_linked())).collect();
    assert_eq!(attached, [("scope-checkout-card.pdf", true)]);

    let lyrids = thread(&l, "Lyrids watch party at Cedar Hill, Saturday 22nd");
    assert_eq!(
        shape(lyrids),
        [
            (1, "Dana Whitfield", None),
            (2, "Tomás Ortega", Some(1)),
            (3, "h.okafor@example.net", Some(1)),
            (4, "Dana Whitfield", Some(3)),
            (5, "Priya Natarajan", Some(1))
        ]
    );
    assert_eq!(lyrids.posts[4].extra.attachments[0].name, "attachment.html");
    assert!(lyrids.posts[4].body.ends_with("Sent from my phone"));
}

#[test]
fn mailman_digest() {
    let l = load_sample("hive-talk-digest-vol38-issue14.txt");
    assert_eq!(l.detection.as_ref().unwrap().format, Format::Digest);
    assert_eq!(l.threads.len(), 2);
    let varroa = thread(&l, "Varroa counts after oxalic treatment");
    assert_eq!(
        shape(varroa),
        [(1, "Martin Achterberg", None), (2, "Ruth Ellery", Some(1)), (3, "Martin Achterberg", Some(1))]
    );
    assert!(
        varroa.posts[0].body.contains("and all:\n------------------------------\ndate"),
        "{}",
        varroa.posts[0].body
    );
    assert!(varroa.posts[1].extra.reply_guessed);
    let swarm = thread(&l, "Swarm cell or supersedure?");
    assert_eq!(shape(swarm), [(1, "Kofi Mensah", None), (2, "hannah.b@example.org", Some(1))]);
    for post in l.threads.iter().flat_map(|t| &t.posts) {
        for not_a_post in ["Today's Topics", "Digest Footer", "mailing list", "End of Hive-talk"] {
            assert!(!post.body.contains(not_a_post), "{not_a_post:?} in post {}: {}", post.number, post.body);
        }
    }
}

#[test]
fn mail_records_as_json() {
    let l = load_sample("lakeside-astro-2023-03.mbox");
    let json = serde_json::to_value(&l.threads).unwrap();
    let post = &json[0]["posts"][1];
    assert_eq!(post["author"], "Tomás Ortega");
    assert_eq!(post["email"], "tomas.ortega@example.net");
    assert_eq!(post["reply_to"], 1);
    assert_eq!(post["subject"], "Re: [Lakeside-Astro] Messier marathon this Saturday?");
    assert_eq!(json[0]["format"], "mbox");
}
