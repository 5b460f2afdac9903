//! Writes a synthetic archive of N posts for benchmarks: `threads/TOPIC/N.txt` dumps in
//! both formats threadarc reads, and an `archive.toml`.
//!
//!     cargo run --release --example gen_corpus -- 1000000 /tmp/corpus
//!     cargo run --release --example gen_corpus -- 100000 /tmp/corpus --forum --hugo
//!     cargo run --release --example gen_corpus -- 1000000 /tmp/reddit --reddit
//!
//! Options (the defaults make the corpus of the search benchmark):
//!
//! - `--forum`: a forum's shape rather than a chat's: threads of about 20 posts, posts of
//!   about 100 words, and Markdown in the Discourse dumps (headings, lists, links, code
//!   blocks, block quotes, emphasis). This is the build benchmark's corpus.
//! - `--hugo`: also write the same threads as a Hugo site under `hugo/` (a page per
//!   thread, its posts as Markdown; a minimal layout of thread pages and paginated topic
//!   lists), so that `benches/build.sh` can time Hugo on the same content.
//! - `--reddit`: a Reddit bulk dump instead, as Pushshift and Arctic Shift publish them:
//!   `threads/reddit/RS_2024-01.zst` (submissions) and `RC_2024-01.zst` (POSTS comments),
//!   zstandard-compressed NDJSON, comments of all threads interleaved in time order;
//!   threads of about 20 comments, replies nested under earlier comments. For
//!   `benches/reddit.sh`.
//!
//! The text is made to be searched like a forum's: words drawn with Zipf's law from common
//! English, each topic's own words and a long tail of rarer made-up words (with accents now
//! and then, and some Japanese in one topic), long-tailed post lengths and thread sizes,
//! Zipf-distributed authors. The same arguments always write the same files.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// SplitMix64: small, fast and good enough for making text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Approximately normal (sum of uniforms).
    fn normal(&mut self) -> f64 {
        (0..6).map(|_| self.unit()).sum::<f64>() - 3.0
    }
}

/// Draws ranks 0..n with probability proportional to 1 / (rank + 1)^s.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|r| {
                total += 1.0 / ((r + 1) as f64).powf(s);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> usize {
        let x = rng.unit() * self.cumulative.last().copied().unwrap_or(0.0);
        self.cumulative.partition_point(|&c| c < x).min(self.cumulative.len() - 1)
    }
}

const COMMON: &str = "the i to and a it of that is in you my was for have but with this on be not so it's as \
    at just do me what if can like they are or about had all we think would get one there from he out my up \
    more know been when time an by your she no her his will really some also has because people them then \
    did only how good much other even very any after now well day which could first after feel still going \
    see back were go way work make want help take years thing things made never need same try something \
    being before too right last long through while over new many sure here thanks thank said same where \
    again different since both around though might doing into felt better lot each most every own while \
    those few found tried using used use done less best start started hope yes anyone else question";

const TOPICS: &[(&str, &str, &str)] = &[
    (
        "ketamine-therapy",
        "Ketamine therapy",
        "ketamine therapy infusion dose therapist session treatment visions troche lozenge benadryl \
         dissociation depression clinic nurse doctor esketamine spravato integration meditation music \
         headspace anxiety ptsd trauma psychiatrist insurance booster protocol",
    ),
    (
        "rust-help",
        "Rust help",
        "rust cargo crate compiler borrow checker lifetime trait generic async tokio linker target \
         toolchain rustup clippy macro struct enum iterator closure error panic unsafe ownership \
         reference module workspace build release",
    ),
    (
        "gardening",
        "Gardening",
        "tomato soil compost seedling mulch pruning roses aphids fertilizer watering raised bed \
         perennial harvest greenhouse frost basil cucumber zucchini garlic potatoes worm manure \
         germination sunlight shade weeds",
    ),
    (
        "cycling",
        "Cycling",
        "bike saddle gear chain derailleur tubeless tire puncture cadence climb descent helmet \
         commute gravel carbon frame wheelset brake disc pedals cleats strava peloton headwind \
         endurance sprint",
    ),
    (
        "home-audio",
        "Home audio",
        "speaker amplifier turntable vinyl dac headphones subwoofer receiver bookshelf tweeter woofer \
         impedance soundstage streaming bluetooth cable room acoustics treble bass preamp cartridge \
         stylus phono",
    ),
    (
        "japan-travel",
        "Japan travel",
        "japan tokyo kyoto osaka shinkansen ryokan onsen ramen sushi temple shrine rail pass hotel \
         train station 東京 京都 大阪 新幹線 ラーメン 旅行 日本語 温泉 駅 切符",
    ),
    (
        "baking",
        "Baking",
        "sourdough starter flour hydration proof oven crust crumb yeast dough knead butter croissant \
         brioche baguette levain autolyse banneton scoring café crème brûlée pâtisserie",
    ),
    (
        "photography",
        "Photography",
        "camera lens aperture shutter iso exposure sensor mirrorless prime zoom bokeh tripod raw \
         lightroom portrait landscape composition flash focus autofocus filter sunset golden hour",
    ),
];

const SYLLABLES: &[&str] = &[
    "ka", "ri", "mo", "ten", "la", "vi", "so", "ran", "de", "lu", "pe", "mar", "to", "ni", "ga", "bel", "si", "ro",
    "fa", "quin", "ze", "dor", "a", "e", "o", "ul", "tra", "ste", "pho", "cle", "mi", "nu", "bra", "gen", "tal",
];

const ACCENTED: &[&str] = &["café", "naïve", "résumé", "Zürich", "São", "jalapeño", "façade", "Ångström", "Straße"];
const EMOJI: &[&str] = &[" :slightly_smiling_face:", " 🙂", " :+1:", " 💞", " :heart:"];

/// A made-up word for a rank of the long tail.
fn rare_word(mut rank: usize) -> String {
    let mut word = String::new();
    loop {
        word.push_str(SYLLABLES[rank % SYLLABLES.len()]);
        rank /= SYLLABLES.len();
        if rank == 0 {
            break;
        }
    }
    if word.len() < 4 {
        word.push_str("ne");
    }
    word
}

struct Words {
    common: Vec<&'static str>,
    topic: Vec<Vec<&'static str>>,
    common_zipf: Zipf,
    tail_zipf: Zipf,
    topic_zipf: Vec<Zipf>,
    tail: usize,
}

impl Words {
    fn new() -> Words {
        let common: Vec<&str> = COMMON.split_whitespace().collect();
        let topic: Vec<Vec<&str>> = TOPICS.iter().map(|t| t.2.split_whitespace().collect()).collect();
        let tail = 200_000;
        Words {
            common_zipf: Zipf::new(common.len(), 1.0),
            tail_zipf: Zipf::new(tail, 1.05),
            topic_zipf: topic.iter().map(|t| Zipf::new(t.len(), 0.9)).collect(),
            common,
            topic,
            tail,
        }
    }

    fn word(&self, rng: &mut Rng, topic: usize, out: &mut String) {
        let p = rng.unit();
        if p < 0.55 {
            out.push_str(self.common[self.common_zipf.draw(rng)]);
        } else if p < 0.65 {
            out.push_str(self.topic[topic][self.topic_zipf[topic].draw(rng)]);
        } else if p < 0.995 {
            out.push_str(&rare_word(self.tail_zipf.draw(rng)));
        } else if p < 0.998 {
            out.push_str(ACCENTED[rng.below(ACCENTED.len())]);
        } else {
            // Typos, numbers, codes: the archive's one-off terms.
            let _ = write!(out, "{}{}", rare_word(self.tail + rng.below(5_000_000)), rng.below(100));
        }
    }

    /// A post's text: sentences of words, long-tailed in length: `mu` is the natural
    /// logarithm of the median number of words.
    fn post(&self, rng: &mut Rng, topic: usize, mu: f64) -> String {
        let words = ((mu + 0.9 * rng.normal()).exp() as usize).clamp(1, 1500);
        let mut text = String::with_capacity(words * 7);
        let mut sentence = 0;
        for i in 0..words {
            let start = text.len();
            if i > 0 {
                text.push(' ');
            }
            let at = text.len();
            self.word(rng, topic, &mut text);
            if sentence == 0
                && let Some(first) = text[at..].chars().next()
            {
                let upper: String = first.to_uppercase().collect();
                text.replace_range(at..at + first.len_utf8(), &upper);
            }
            debug_assert!(text.len() > start);
            sentence += 1;
            if sentence > 4 && rng.chance(0.12) || i + 1 == words {
                text.push(if rng.chance(0.15) { '?' } else { '.' });
                sentence = 0;
            } else if rng.chance(0.05) {
                text.push(',');
            }
        }
        if rng.chance(0.03) {
            text.push_str(EMOJI[rng.below(EMOJI.len())]);
        }
        text
    }
}

/// A post body with the Markdown a forum's posts have: now and then a heading, a list, a
/// link, a code block, a block quote or emphasis around the text.
fn markdown(rng: &mut Rng, words: &Words, topic: usize, mu: f64) -> String {
    let mut body = String::new();
    if rng.chance(0.05) {
        let _ = writeln!(body, "## {}\n", words.post(rng, topic, f64::ln(4.0)).trim_end_matches(['.', '?']));
    }
    body.push_str(&words.post(rng, topic, mu));
    if rng.chance(0.15) {
        let _ = write!(body, " See [the notes](https://example.org/{topic}/{}) for more.", rng.below(100_000));
    }
    if rng.chance(0.10) {
        body.push_str("\n\n");
        for _ in 0..2 + rng.below(4) {
            let _ = writeln!(body, "- {}", words.post(rng, topic, f64::ln(6.0)));
        }
    }
    if rng.chance(0.05) {
        let _ = write!(
            body,
            "\n\n```\n$ run --{} {}\nerror: {} at line {}\n```",
            words.post(rng, topic, f64::ln(1.0)).trim_end_matches(['.', '?']).to_lowercase(),
            rng.below(1000),
            words.post(rng, topic, f64::ln(5.0)).trim_end_matches(['.', '?']),
            rng.below(500)
        );
    }
    if rng.chance(0.05) {
        let _ = write!(body, "\n\n> {}", words.post(rng, topic, f64::ln(15.0)));
    }
    if rng.chance(0.08) {
        let _ =
            write!(body, "\n\n*{}* **{}**", words.post(rng, topic, f64::ln(3.0)), words.post(rng, topic, f64::ln(3.0)));
    }
    if rng.chance(0.3) {
        let _ = write!(body, "\n\n{}", words.post(rng, topic, mu - 2f64.ln()));
    }
    body
}

fn author(rng: &mut Rng, zipf: &Zipf) -> String {
    let rank = zipf.draw(rng);
    let name = rare_word(rank * 7 + 3);
    if rank.is_multiple_of(5) { format!("{name}.{}", rank % 97) } else { format!("{name}{}", rank % 13) }
}

/// What kind of corpus to write.
struct Shape {
    /// The smallest thread size of the long tail (thread sizes are Pareto-distributed).
    thread_min: f64,
    /// The natural logarithm of a post's median number of words.
    post_mu: f64,
    /// Markdown features in the Discourse dumps' posts.
    markdown: bool,
    /// Write the Hugo site too.
    hugo: bool,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (flags, positional): (Vec<&String>, Vec<&String>) = args.iter().partition(|a| a.starts_with("--"));
    let usage = || -> ! {
        eprintln!("usage: gen_corpus POSTS OUTPUT_FOLDER [--forum] [--hugo] [--reddit]");
        std::process::exit(2);
    };
    if positional.len() != 2 || flags.iter().any(|f| !["--forum", "--hugo", "--reddit"].contains(&f.as_str())) {
        usage();
    }
    let Ok(total) = positional[0].parse::<usize>() else {
        eprintln!("POSTS must be a number");
        std::process::exit(2);
    };
    let forum = flags.iter().any(|f| *f == "--forum");
    let shape = Shape {
        thread_min: if forum { 6.0 } else { 2.0 },
        post_mu: if forum { 85f64.ln() } else { 3.6 },
        markdown: forum,
        hugo: flags.iter().any(|f| *f == "--hugo"),
    };
    let out = Path::new(positional[1]);
    let written =
        if flags.iter().any(|f| *f == "--reddit") { reddit(total, out) } else { generate(total, out, &shape) };
    if let Err(e) = written {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// A Hugo site for the same threads: `hugo/content/TOPIC/THREAD.md`, and a minimal layout
/// of thread pages, paginated topic lists and a front page.
struct Hugo<'a> {
    root: &'a Path,
}

impl Hugo<'_> {
    fn start(&self) -> std::io::Result<()> {
        let layouts = self.root.join("layouts/_default");
        fs::create_dir_all(&layouts)?;
        fs::write(
            self.root.join("config.toml"),
            "baseURL = \"https://example.org/\"\ntitle = \"Synthetic benchmark archive\"\n\
             disableKinds = [\"taxonomy\", \"term\"]\npaginate = 50\n\
             [markup.goldmark.renderer]\nunsafe = false\n",
        )?;
        let base = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
            <title>{{ .Title }} · {{ .Site.Title }}</title></head><body>\
            <header><a href=\"{{ \"/\" | relURL }}\">{{ .Site.Title }}</a></header>\
            <main>{{ block \"main\" . }}{{ end }}</main></body></html>\n";
        fs::write(layouts.join("baseof.html"), base)?;
        fs::write(
            layouts.join("single.html"),
            "{{ define \"main\" }}<h1>{{ .Title }}</h1><p>in <a href=\"{{ .Parent.RelPermalink }}\">\
             {{ .Parent.Title }}</a></p>{{ .Content }}\
             {{ with .PrevInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}\
             {{ with .NextInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}{{ end }}\n",
        )?;
        let list = "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}\
            <li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Date.Format \"2006-01-02\" }} \
            {{ .Summary | plainify | truncate 200 }}</li>{{ end }}</ul>\
            {{ template \"_internal/pagination.html\" . }}{{ end }}\n";
        fs::write(layouts.join("list.html"), list)?;
        fs::write(
            self.root.join("layouts/index.html"),
            "{{ define \"main\" }}<ul>{{ range .Site.Sections }}<li><a href=\"{{ .RelPermalink }}\">\
             {{ .Title }}</a> {{ len .Pages }} threads</li>{{ end }}</ul>\
             <ul>{{ range first 20 .Site.RegularPages.ByLastmod.Reverse }}\
             <li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
        )?;
        for (key, title, _) in TOPICS {
            let dir = self.root.join("content").join(key);
            fs::create_dir_all(&dir)?;
            fs::write(dir.join("_index.md"), format!("+++\ntitle = \"{title}\"\n+++\n"))?;
        }
        Ok(())
    }

    /// One thread: its posts as (author, date, Markdown body).
    fn thread(
        &self,
        topic: &str,
        n: usize,
        title: &str,
        posts: &[(Option<String>, i64, String)],
    ) -> std::io::Result<()> {
        let date =
            |t: i64| jiff::Timestamp::from_second(t).unwrap_or_default().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
        let first = posts.first().map_or(0, |p| p.1);
        let last = posts.last().map_or(0, |p| p.1);
        let mut text = format!("+++\ntitle = \"{title}\"\ndate = {}\nlastmod = {}\n+++\n\n", date(first), date(last));
        for (i, (author, time, body)) in posts.iter().enumerate() {
            let _ = writeln!(
                text,
                "### #{} {} {}\n\n{body}\n",
                i + 1,
                author.as_deref().unwrap_or(""),
                if *time > 0 { date(*time) } else { String::new() }
            );
        }
        fs::write(self.root.join("content").join(topic).join(format!("{n}.md")), text)
    }
}

fn generate(total: usize, out: &Path, shape: &Shape) -> std::io::Result<()> {
    let mut rng = Rng(0x7468_7265_6164);
    let words = Words::new();
    let authors = Zipf::new(50_000, 1.1);
    let topic_zipf = Zipf::new(TOPICS.len(), 0.8);
    // Thread pages in a folder per year, as `threadarc init` sets up a new archive.
    let mut config = String::from(
        "title = \"Synthetic benchmark archive\"\ndescription = \"Generated by examples/gen_corpus.rs.\"\n\
         thread_folders = \"year\"\n",
    );
    for (key, title, _) in TOPICS {
        fs::create_dir_all(out.join("threads").join(key))?;
        let _ = write!(config, "\n[topics.{key}]\ntitle = \"{title}\"\n");
    }
    fs::write(out.join("archive.toml"), config)?;
    let hugo_root = out.join("hugo");
    let hugo = shape.hugo.then(|| Hugo { root: &hugo_root });
    if let Some(hugo) = &hugo {
        hugo.start()?;
    }

    let mut written = 0;
    let mut thread: usize = 0;
    let mu = shape.post_mu;
    while written < total {
        // Thread sizes: a long tail up to 1000 (mean about 10, or 20 for a forum).
        let size = ((shape.thread_min / rng.unit().max(1e-9).powf(0.75)) as usize).clamp(2, 1000).min(total - written);
        let topic = topic_zipf.draw(&mut rng);
        let mut title = words.post(&mut rng, topic, 3.6);
        title.truncate(title.char_indices().nth(60).map_or(title.len(), |(i, _)| i));
        let title = title.trim_end_matches([' ', '.', ',', '?']).replace('"', "");
        // Threads start between 2012 and 2024; posts follow minutes to days apart.
        let mut time = 1_325_376_000 + (rng.unit() * 400_000_000.0) as i64;
        let mut text = String::new();
        // The posts as Hugo gets them.
        let mut posts: Vec<(Option<String>, i64, String)> = Vec::new();
        if thread.is_multiple_of(2) {
            let _ = writeln!(text, "+++\ntitle = \"{title}\"\n+++");
            for n in 1..=size {
                time += (rng.unit().powi(3) * 200_000.0) as i64 + 30;
                let date = jiff::Timestamp::from_second(time).unwrap_or_default().strftime("%Y-%m-%d %H:%M:%S");
                let who = author(&mut rng, &authors);
                let _ = writeln!(text, "{who} | {date} UTC | #{n}\n");
                let mut body = if shape.markdown {
                    markdown(&mut rng, &words, topic, mu)
                } else {
                    words.post(&mut rng, topic, mu)
                };
                if rng.chance(0.05) {
                    let word = words.post(&mut rng, topic, mu);
                    body = format!("`{}` **{body}**", word.split(' ').next().unwrap_or("x"));
                }
                if n > 1 && rng.chance(0.1) {
                    let quoted = rng.below(n - 1) + 1;
                    body = format!(
                        "[quote=\"{}, post:{quoted}, topic:{thread}\"]\n{}\n[/quote]\n\n{body}",
                        author(&mut rng, &authors),
                        words.post(&mut rng, topic, mu)
                    );
                }
                let _ = writeln!(text, "{body}\n\n-------------------------\n");
                if hugo.is_some() {
                    posts.push((Some(who), time, body));
                }
            }
        } else {
            let _ = writeln!(text, "{title}\n");
            for _ in 0..size {
                let body = words.post(&mut rng, topic, mu);
                let _ = writeln!(text, "{body}\n");
                if hugo.is_some() {
                    posts.push((None, 0, body));
                }
            }
        }
        fs::write(out.join("threads").join(TOPICS[topic].0).join(format!("{thread}.txt")), text)?;
        if let Some(hugo) = &hugo {
            hugo.thread(TOPICS[topic].0, thread, &title, &posts)?;
        }
        written += size;
        thread += 1;
    }
    eprintln!("wrote {written} posts in {thread} threads under {}", out.join("threads").display());
    Ok(())
}

/// A Reddit bulk dump of `total` comments (and their submissions): `RS_2024-01.zst` and
/// `RC_2024-01.zst` under `threads/reddit/`, one JSON object a line, comments in time order.
fn reddit(total: usize, out: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let mut rng = Rng(0x7265_6464_6974);
    let words = Words::new();
    let authors = Zipf::new(50_000, 1.1);
    let folder = out.join("threads/reddit");
    fs::create_dir_all(&folder)?;
    fs::write(out.join("archive.toml"), "title = \"Synthetic Reddit archive\"\n")?;
    let string = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let base36 = |mut n: u64| {
        let mut s = Vec::new();
        loop {
            s.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize]);
            n /= 36;
            if n == 0 {
                break;
            }
        }
        s.reverse();
        String::from_utf8(s).unwrap_or_default()
    };
    let open = |name: &str| -> std::io::Result<zstd::Encoder<'static, fs::File>> {
        zstd::Encoder::new(fs::File::create(folder.join(name))?, 3)
    };
    let mut submissions = open("RS_2024-01.zst")?;
    // (time, line) of every comment, written in time order at the end.
    let mut comments: Vec<(i64, String)> = Vec::with_capacity(total);
    let start = 1_704_067_200i64;
    let (mut written, mut thread, mut comment) = (0usize, 0u64, 0u64);
    while written < total {
        let size = ((8.0 / rng.unit().max(1e-9).powf(0.75)) as usize).clamp(1, 2000).min(total - written);
        let link = base36(1_000_000 + thread);
        let op = author(&mut rng, &authors);
        let mut time = start + (rng.unit() * 2_600_000.0) as i64;
        let title = words.post(&mut rng, thread as usize % TOPICS.len(), 2.3).replace('\n', " ");
        let selftext = words.post(&mut rng, thread as usize % TOPICS.len(), 4.0);
        writeln!(
            submissions,
            "{{\"author\":{},\"created_utc\":{time},\"id\":\"{link}\",\"is_self\":true,\"name\":\"t3_{link}\",\"num_comments\":{size},\"permalink\":\"/r/Sourdough/comments/{link}/\",\"retrieved_on\":{},\"score\":{},\"selftext\":{},\"subreddit\":\"Sourdough\",\"title\":{},\"url\":\"https://www.reddit.com/r/Sourdough/comments/{link}/\"}}",
            string(&op),
            time + 86_400 * 30,
            rng.below(500),
            string(&selftext),
            string(&title)
        )?;
        let mut ids: Vec<String> = Vec::with_capacity(size);
        for _ in 0..size {
            time += (rng.unit().powi(3) * 20_000.0) as i64 + 10;
            let id = base36(60_000_000 + comment);
            comment += 1;
            let parent = if ids.is_empty() || rng.chance(0.4) {
                format!("t3_{link}")
            } else {
                format!("t1_{}", ids[ids.len() - 1 - rng.below(ids.len().min(5))])
            };
            let who = author(&mut rng, &authors);
            let body = if rng.chance(0.02) {
                "[deleted]".to_owned()
            } else {
                words.post(&mut rng, thread as usize % TOPICS.len(), 3.6)
            };
            let line = format!(
                // With the fields the dumps carry that threadarc does not read, as they do.
                "{{\"all_awardings\":[],\"archived\":false,\"author\":{},\"author_flair_css_class\":null,\"author_flair_text\":null,\"author_fullname\":\"t2_{id}x\",\"body\":{},\"can_gild\":true,\"collapsed\":false,\"controversiality\":0,\"created_utc\":{time},\"distinguished\":null,\"edited\":false,\"gilded\":0,\"id\":\"{id}\",\"is_submitter\":{},\"link_id\":\"t3_{link}\",\"no_follow\":true,\"parent_id\":\"{parent}\",\"permalink\":\"/r/Sourdough/comments/{link}/_/{id}/\",\"retrieved_on\":{},\"score\":{},\"score_hidden\":false,\"send_replies\":true,\"stickied\":false,\"subreddit\":\"Sourdough\",\"subreddit_id\":\"t5_2r6ze\",\"total_awards_received\":0}}",
                string(&who),
                string(&body),
                who == op,
                time + 86_400 * 30,
                rng.below(60) as i64 - 5
            );
            comments.push((time, line));
            ids.push(id);
        }
        written += size;
        thread += 1;
    }
    submissions.finish()?;
    comments.sort_by_key(|(time, _)| *time);
    let mut out = open("RC_2024-01.zst")?;
    for (_, line) in comments {
        writeln!(out, "{line}")?;
    }
    out.finish()?;
    eprintln!("wrote {total} comments in {thread} threads under {}", folder.display());
    Ok(())
}
