//! Reading the SQLite collection inside an Anki package: note types, notes, cards and their
//! scheduling, at schema 11 (`collection.anki2`/`.anki21`, note types as JSON in `col.models`)
//! or schema 15 to 18 (`collection.anki21b`, note types in their own tables with protobuf
//! configs), as Anki's `rslib/src/storage/` lays them out.
//!
//! Note types are recognised from their templates, not their names (which are translated): a
//! card whose question template shows one field and whose answer template shows others becomes
//! a card with that field in front and the others behind. That covers Basic, "Basic (and
//! reversed card)" (two cards per note, both directions), the optional-reversed type and custom
//! types of the same shape. Cloze notes and any other shape become one card per note with the
//! first field in front and the rest behind, and the import says so per note type.

use std::collections::{BTreeMap, HashMap};

use prost::Message as _;
use rusqlite::{Connection, MAIN_DB};
use serde::Deserialize;

use super::super::model::Card;
use super::{AnkiPhase, AnkiProgress};

/// The separator between a note's fields in `notes.flds`.
const FIELD_SEPARATOR: char = '\u{1f}';

/// Schema versions read: 11 to 14 keep note types in `col.models`, 15 to 18 in tables.
const SCHEMAS: std::ops::RangeInclusive<i64> = 11..=18;

/// `Notetype.Config` from Anki's `proto/anki/notetypes.proto`: only its kind is read.
#[derive(Clone, PartialEq, prost::Message)]
struct NotetypeConfig {
    /// 0 normal, 1 cloze.
    #[prost(int32, tag = "1")]
    kind: i32,
}

/// `Notetype.Template.Config`: the question and answer formats.
#[derive(Clone, PartialEq, prost::Message)]
struct TemplateConfig {
    #[prost(string, tag = "1")]
    q_format: String,
    #[prost(string, tag = "2")]
    a_format: String,
}

/// A note type as schema 11 stores it in `col.models` (only what is read).
#[derive(Deserialize)]
struct JsonNotetype {
    name: String,
    #[serde(rename = "type", default)]
    kind: i32,
    #[serde(default)]
    flds: Vec<JsonField>,
    #[serde(default)]
    tmpls: Vec<JsonTemplate>,
}

#[derive(Deserialize)]
struct JsonField {
    name: String,
    ord: u32,
}

#[derive(Deserialize)]
struct JsonTemplate {
    ord: u32,
    #[serde(default)]
    qfmt: String,
    #[serde(default)]
    afmt: String,
}

#[derive(Deserialize)]
struct JsonDeck {
    name: String,
}

/// The FSRS part of a card's `data` column (Anki's `CardData`).
#[derive(Deserialize, Default)]
struct CardData {
    #[serde(rename = "s")]
    stability: Option<f32>,
    #[serde(rename = "d")]
    difficulty: Option<f32>,
    #[serde(rename = "lrt")]
    last_review_secs: Option<i64>,
}

/// A note type, reduced to what decides how its cards become virtscope cards.
struct Notetype {
    name: String,
    /// Field names by ordinal.
    fields: Vec<String>,
    /// For each template ordinal: the question field and the answer fields (indices into
    /// `fields`), when the template has the Basic shape.
    shapes: HashMap<u32, Option<Shape>>,
    cloze: bool,
}

#[derive(Clone)]
struct Shape {
    front: usize,
    back: Vec<usize>,
}

/// One row of `cards`.
struct AnkiCard {
    note_id: i64,
    deck_id: i64,
    ord: u32,
    kind: i64,
    queue: i64,
    due: i64,
    interval_days: i64,
    reps: i64,
    lapses: i64,
    left: i64,
    data: String,
    card_id: i64,
}

/// What the collection gave: cards in note order, their scheduling, the deck most cards are in,
/// and problems worth telling.
pub struct Read {
    /// virtscope cards, with ids from the notes' guids.
    pub cards: Vec<Card>,
    /// Scheduling of the cards that had some, by card id.
    pub progress: Vec<AnkiProgress>,
    /// The name of the Anki deck holding most cards (`::` between levels).
    pub deck_name: Option<String>,
    /// Messages for the user (note types read as "first field front").
    pub notices: Vec<String>,
}

/// Why a package's collection cannot be read (the package's file is named by the caller).
#[derive(Debug, thiserror::Error)]
pub enum CollectionError {
    /// SQLite itself failed (opening an in-memory database, registering the collation).
    #[error("{0}")]
    Sqlite(rusqlite::Error),
    /// The bytes are not an SQLite database.
    #[error("its collection is not an SQLite database ({0})")]
    NotSqlite(rusqlite::Error),
    /// A table Anki always has is missing or unreadable.
    #[error("its collection cannot be read ({0})")]
    Corrupt(#[from] rusqlite::Error),
    /// A schema version this virtscope does not read.
    #[error(
        "its collection has schema version {0}, which virtscope does not read (it reads Anki's \
         schemas 11 to 18)"
    )]
    Schema(i64),
    /// The note types of a legacy collection are not JSON.
    #[error("its note types are not valid JSON ({0})")]
    NotetypesJson(serde_json::Error),
    /// The decks of a legacy collection are not JSON.
    #[error("its decks are not valid JSON ({0})")]
    DecksJson(serde_json::Error),
    /// A note names a note type the collection lacks.
    #[error("note {note_id} uses note type {notetype_id}, which the collection does not have")]
    MissingNotetype {
        /// The note's id.
        note_id: i64,
        /// The note type it names.
        notetype_id: i64,
    },
}

/// Opens SQLite bytes read-only in memory.
pub fn open(mut bytes: Vec<u8>) -> Result<Connection, CollectionError> {
    let not_sqlite = CollectionError::NotSqlite;
    // Anki keeps its collection in WAL mode (header bytes 18 and 19 are 2), which an in-memory
    // database cannot open; 1 and 1 mean the rollback journal, and the pages are the same.
    if bytes.len() >= 100
        && bytes.starts_with(b"SQLite format 3\0")
        && let Some(versions) = bytes.get_mut(18..20)
        && versions == [2, 2]
    {
        versions.copy_from_slice(&[1, 1]);
    }
    let mut conn = Connection::open_in_memory().map_err(CollectionError::Sqlite)?;
    // Anki's tables of fields, templates and note types are indexed by name under its own
    // case-insensitive collation, which SQLite must know to read them at all.
    conn.create_collation("unicase", |a: &str, b: &str| {
        a.to_lowercase().cmp(&b.to_lowercase())
    })
    .map_err(CollectionError::Sqlite)?;
    conn.deserialize_read_exact(MAIN_DB, bytes.as_slice(), bytes.len(), true)
        .map_err(not_sqlite)?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
        row.get::<_, i64>(0)
    })
    .map_err(not_sqlite)?;
    Ok(conn)
}

/// Reads the collection. `field_to_text` turns a field's HTML into card text (it also notes
/// the media the field shows).
pub fn read(
    conn: &Connection,
    field_to_text: &mut dyn FnMut(&str) -> String,
) -> Result<Read, CollectionError> {
    let corrupt = CollectionError::Corrupt;
    let (version, crt_secs): (i64, i64) = conn
        .query_row("SELECT ver, crt FROM col", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .map_err(corrupt)?;
    if !SCHEMAS.contains(&version) {
        return Err(CollectionError::Schema(version));
    }
    let (notetypes, decks) = if version < 15 {
        json_notetypes_and_decks(conn)?
    } else {
        table_notetypes(conn).map_err(corrupt).and_then(|types| {
            let decks = table_decks(conn).map_err(corrupt)?;
            Ok((types, decks))
        })?
    };
    let last_reviews = last_reviews(conn).map_err(corrupt)?;
    let cards_by_note = cards_by_note(conn).map_err(corrupt)?;

    let mut read = Read {
        cards: Vec::new(),
        progress: Vec::new(),
        deck_name: None,
        notices: Vec::new(),
    };
    let mut fallback_notes: BTreeMap<String, usize> = BTreeMap::new();
    let mut deck_counts: HashMap<i64, usize> = HashMap::new();
    let mut notes = conn
        .prepare("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
        .map_err(corrupt)?;
    let rows = notes
        .query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        })
        .map_err(corrupt)?;
    let empty = Vec::new();
    for row in rows {
        let (note_id, guid, notetype_id, tags, fields) = row.map_err(corrupt)?;
        let fields: Vec<&str> = fields.split(FIELD_SEPARATOR).collect();
        let Some(notetype) = notetypes.get(&notetype_id) else {
            return Err(CollectionError::MissingNotetype {
                note_id,
                notetype_id,
            });
        };
        let note = NoteParts::new(notetype, &fields, &tags, field_to_text);
        let cards = cards_by_note.get(&note_id).unwrap_or(&empty);
        for card in cards {
            *deck_counts.entry(card.deck_id).or_default() += 1;
        }
        let shaped: Vec<(&AnkiCard, Shape)> = cards
            .iter()
            .filter_map(|card| {
                let shape = notetype.shapes.get(&card.ord).cloned().flatten()?;
                Some((card, shape))
            })
            .collect();
        if notetype.cloze || shaped.is_empty() || shaped.len() < cards.len() {
            *fallback_notes.entry(notetype.name.clone()).or_default() += 1;
            let id = guid.clone();
            read.cards.push(note.fallback_card(&id));
            if let Some(first) = cards.first() {
                push_progress(&mut read.progress, &id, first, crt_secs, &last_reviews);
            }
            continue;
        }
        for (card, shape) in shaped {
            let id = if card.ord == 0 {
                guid.clone()
            } else {
                format!("{guid}-card{}", card.ord + 1)
            };
            read.cards.push(note.card(&id, &shape));
            push_progress(&mut read.progress, &id, card, crt_secs, &last_reviews);
        }
    }
    for (name, count) in fallback_notes {
        let notes = if count == 1 { "note" } else { "notes" };
        let are = if count == 1 { "is" } else { "are" };
        read.notices.push(format!(
            "{count} {notes} of note type {name:?} {are} not Basic or \"Basic (and reversed \
             card)\": the first field became the front and the other fields the back, one \
             card per note"
        ));
    }
    read.deck_name = deck_counts
        .into_iter()
        .max_by_key(|&(id, count)| (count, std::cmp::Reverse(id)))
        .and_then(|(id, _)| decks.get(&id).cloned());
    Ok(read)
}

/// A note's fields as card text, with its scene link and remark pulled out.
struct NoteParts {
    /// Card text of each field (empty for the scene and note fields).
    texts: Vec<String>,
    tags: Vec<String>,
    scene: Option<String>,
    note: Option<String>,
    shows: Vec<String>,
}

impl NoteParts {
    fn new(
        notetype: &Notetype,
        fields: &[&str],
        tags: &str,
        field_to_text: &mut dyn FnMut(&str) -> String,
    ) -> Self {
        let mut scene = None;
        let mut note = None;
        let mut shows = Vec::new();
        let mut texts = Vec::with_capacity(fields.len());
        for (index, html) in fields.iter().enumerate() {
            let name = notetype.fields.get(index).map_or("", String::as_str);
            if name.eq_ignore_ascii_case("scene") {
                scene = Some(super::super::html::html_to_text(html).trim().to_owned());
                texts.push(String::new());
            } else if name.eq_ignore_ascii_case("note") {
                note = Some(field_to_text(html));
                texts.push(String::new());
            } else if name.eq_ignore_ascii_case("shows") {
                // One label per line, as the export writes them (`<br>` between them).
                shows = super::super::html::html_to_text(html)
                    .lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned)
                    .collect();
                texts.push(String::new());
            } else {
                texts.push(field_to_text(html));
            }
        }
        let mut kept_tags = Vec::new();
        for tag in tags.split_whitespace() {
            match tag.strip_prefix("virtscope::") {
                Some(link) if !link.is_empty() => {
                    scene.get_or_insert_with(|| link.to_owned());
                }
                _ => kept_tags.push(tag.to_owned()),
            }
        }
        Self {
            texts,
            tags: kept_tags,
            scene: scene.filter(|s| !s.is_empty()),
            note: note.filter(|n| !n.is_empty()),
            shows,
        }
    }

    fn card(&self, id: &str, shape: &Shape) -> Card {
        let front = self.texts.get(shape.front).cloned().unwrap_or_default();
        let back = join_texts(shape.back.iter().filter_map(|&i| self.texts.get(i)));
        self.finish(id, front, back)
    }

    /// First field in front, every other field behind.
    fn fallback_card(&self, id: &str) -> Card {
        let front = self
            .texts
            .iter()
            .find(|text| !text.is_empty())
            .cloned()
            .unwrap_or_default();
        let first = self.texts.iter().position(|text| !text.is_empty());
        let back = join_texts(
            self.texts
                .iter()
                .enumerate()
                .filter(|&(i, _)| Some(i) != first)
                .map(|(_, text)| text),
        );
        self.finish(id, front, back)
    }

    fn finish(&self, id: &str, front: String, back: String) -> Card {
        Card {
            id: id.to_owned(),
            front,
            back,
            tags: self.tags.clone(),
            note: self.note.clone(),
            scene: self.scene.clone(),
            shows: self.shows.clone(),
        }
    }
}

/// The non-empty texts, separated by blank lines.
fn join_texts<'t>(texts: impl Iterator<Item = &'t String>) -> String {
    texts
        .filter(|text| !text.trim().is_empty())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn push_progress(
    progress: &mut Vec<AnkiProgress>,
    id: &str,
    card: &AnkiCard,
    crt_secs: i64,
    last_reviews: &HashMap<i64, i64>,
) {
    let data: CardData = serde_json::from_str(&card.data).unwrap_or_default();
    let memory = match (data.stability, data.difficulty) {
        (Some(s), Some(d)) if s.is_finite() && d.is_finite() && s > 0.0 => Some((s, d)),
        _ => None,
    };
    // A day number counts days since the collection's creation (`col.crt`); noon of that day
    // is a time that falls on the same day whatever hour either app starts its days at.
    let day_noon = |day: i64| crt_secs + day * 86_400 + 43_200;
    let remaining = u32::try_from(card.left.rem_euclid(1000)).unwrap_or(0);
    let phase = match (card.kind, card.queue) {
        (0, _) => AnkiPhase::New,
        (1 | 3, 3) => AnkiPhase::Learning {
            relearning: card.kind == 3,
            due_secs: day_noon(card.due),
            remaining_steps: remaining,
        },
        (1 | 3, _) => AnkiPhase::Learning {
            relearning: card.kind == 3,
            due_secs: card.due,
            remaining_steps: remaining,
        },
        (2, _) => AnkiPhase::Review {
            due_secs: day_noon(card.due),
            interval_days: u32::try_from(card.interval_days.max(1)).unwrap_or(1),
        },
        _ => AnkiPhase::New,
    };
    if phase == AnkiPhase::New && card.queue != -1 {
        return;
    }
    progress.push(AnkiProgress {
        card_id: id.to_owned(),
        memory,
        phase,
        reps: u32::try_from(card.reps.max(0)).unwrap_or(0),
        lapses: u32::try_from(card.lapses.max(0)).unwrap_or(0),
        last_review_secs: data
            .last_review_secs
            .or_else(|| last_reviews.get(&card.card_id).map(|ms| ms / 1000)),
        suspended: card.queue == -1,
    });
}

/// Every card, grouped by note, in template order. A card in a filtered deck is read at its
/// original deck and due (`odid`, `odue`).
fn cards_by_note(conn: &Connection) -> rusqlite::Result<HashMap<i64, Vec<AnkiCard>>> {
    let mut by_note: HashMap<i64, Vec<AnkiCard>> = HashMap::new();
    let mut select = conn.prepare(
        "SELECT id, nid, did, ord, type, queue, due, ivl, reps, lapses, left, odue, odid, data
         FROM cards ORDER BY nid, ord",
    )?;
    let rows = select.query_map([], |row| {
        let odid: i64 = row.get(12)?;
        let filtered = odid != 0;
        Ok(AnkiCard {
            card_id: row.get(0)?,
            note_id: row.get(1)?,
            deck_id: if filtered { odid } else { row.get(2)? },
            ord: row.get(3)?,
            kind: row.get(4)?,
            queue: row.get(5)?,
            due: if filtered { row.get(11)? } else { row.get(6)? },
            interval_days: row.get(7)?,
            reps: row.get(8)?,
            lapses: row.get(9)?,
            left: row.get(10)?,
            data: row.get::<_, Option<String>>(13)?.unwrap_or_default(),
        })
    })?;
    for card in rows {
        let card = card?;
        by_note.entry(card.note_id).or_default().push(card);
    }
    Ok(by_note)
}

/// The time of each card's last review in the review log, in milliseconds (log ids are times).
fn last_reviews(conn: &Connection) -> rusqlite::Result<HashMap<i64, i64>> {
    let mut select = conn.prepare("SELECT cid, MAX(id) FROM revlog GROUP BY cid")?;
    let rows = select.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

type NotetypesAndDecks = (HashMap<i64, Notetype>, HashMap<i64, String>);

fn json_notetypes_and_decks(conn: &Connection) -> Result<NotetypesAndDecks, CollectionError> {
    let (models, decks): (String, String) = conn
        .query_row("SELECT models, decks FROM col", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .map_err(CollectionError::Corrupt)?;
    let models: HashMap<String, JsonNotetype> =
        serde_json::from_str(&models).map_err(CollectionError::NotetypesJson)?;
    let decks: HashMap<String, JsonDeck> =
        serde_json::from_str(&decks).map_err(CollectionError::DecksJson)?;
    let notetypes = models
        .into_iter()
        .filter_map(|(id, model)| {
            let id = id.parse().ok()?;
            let mut fields = model.flds;
            fields.sort_by_key(|field| field.ord);
            let names: Vec<String> = fields.into_iter().map(|field| field.name).collect();
            let shapes = model
                .tmpls
                .iter()
                .map(|t| (t.ord, shape_of(&t.qfmt, &t.afmt, &names)))
                .collect();
            Some((
                id,
                Notetype {
                    name: model.name,
                    fields: names,
                    shapes,
                    cloze: model.kind == 1,
                },
            ))
        })
        .collect();
    let decks = decks
        .into_iter()
        .filter_map(|(id, deck)| Some((id.parse().ok()?, deck.name)))
        .collect();
    Ok((notetypes, decks))
}

fn table_notetypes(conn: &Connection) -> rusqlite::Result<HashMap<i64, Notetype>> {
    let mut notetypes = HashMap::new();
    let mut select = conn.prepare("SELECT id, name, config FROM notetypes")?;
    let rows = select.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    for row in rows {
        let (id, name, config) = row?;
        let cloze = NotetypeConfig::decode(config.as_slice()).is_ok_and(|c| c.kind == 1);
        notetypes.insert(
            id,
            Notetype {
                name,
                fields: Vec::new(),
                shapes: HashMap::new(),
                cloze,
            },
        );
    }
    let mut fields = conn.prepare("SELECT ntid, name FROM fields ORDER BY ntid, ord")?;
    let rows = fields.query_map([], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (id, name) = row?;
        if let Some(notetype) = notetypes.get_mut(&id) {
            notetype.fields.push(name);
        }
    }
    let mut templates = conn.prepare("SELECT ntid, ord, config FROM templates")?;
    let rows = templates.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, u32>(1)?,
            row.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    for row in rows {
        let (id, ord, config) = row?;
        if let Some(notetype) = notetypes.get_mut(&id) {
            let shape = TemplateConfig::decode(config.as_slice())
                .ok()
                .and_then(|t| shape_of(&t.q_format, &t.a_format, &notetype.fields));
            notetype.shapes.insert(ord, shape);
        }
    }
    Ok(notetypes)
}

/// Deck names; schema 15 and later separate levels with U+001F where Anki shows `::`.
fn table_decks(conn: &Connection) -> rusqlite::Result<HashMap<i64, String>> {
    let mut select = conn.prepare("SELECT id, name FROM decks")?;
    let rows = select.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?.replace(FIELD_SEPARATOR, "::"),
        ))
    })?;
    rows.collect()
}

/// The Basic shape of a template: its question shows exactly one field, its answer one or more
/// others (the scene and note fields aside). `None` for any other template.
fn shape_of(question: &str, answer: &str, fields: &[String]) -> Option<Shape> {
    let index = |name: &str| fields.iter().position(|f| f == name);
    let question_fields = field_references(question);
    if question_fields.iter().any(|r| r.cloze) {
        return None;
    }
    let [front] = question_fields.as_slice() else {
        return None;
    };
    let front = index(&front.name)?;
    let mut back = Vec::new();
    for reference in field_references(answer) {
        let Some(i) = index(&reference.name) else {
            continue;
        };
        let special = fields.get(i).is_some_and(|field| {
            ["scene", "note", "shows"]
                .iter()
                .any(|s| field.eq_ignore_ascii_case(s))
        });
        if i != front && !special && !back.contains(&i) {
            back.push(i);
        }
    }
    (!back.is_empty()).then_some(Shape { front, back })
}

struct FieldReference {
    name: String,
    cloze: bool,
}

/// The fields a template shows: `{{Name}}`, `{{filter:Name}}`, `{{{Name}}}`; sections
/// (`{{#Name}}`, `{{^Name}}`, `{{/Name}}`), comments and Anki's special fields (`FrontSide`,
/// `Tags`, `Deck`, ...) are not fields shown.
fn field_references(template: &str) -> Vec<FieldReference> {
    const SPECIAL: [&str; 7] = [
        "FrontSide",
        "Tags",
        "Type",
        "Deck",
        "Subdeck",
        "Card",
        "CardFlag",
    ];
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            break;
        };
        let inner =
            after[..close].trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace());
        rest = &after[close + 2..];
        if inner.starts_with(['#', '^', '/', '!']) || inner.is_empty() {
            continue;
        }
        let mut parts: Vec<&str> = inner.split(':').collect();
        let name = parts.pop().unwrap_or_default().trim();
        if SPECIAL.contains(&name) {
            continue;
        }
        found.push(FieldReference {
            name: name.to_owned(),
            cloze: parts.iter().any(|filter| filter.trim() == "cloze"),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn basic_reversed_and_optional_templates_have_the_basic_shape() {
        let fields = names(&["Front", "Back", "Add Reverse"]);
        let answer = "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}";
        let basic = shape_of("{{Front}}", answer, &fields).expect("basic");
        assert_eq!((basic.front, basic.back), (0, vec![1]));
        let reverse = shape_of(
            "{{#Add Reverse}}{{Back}}{{/Add Reverse}}",
            "{{FrontSide}}<hr id=answer>{{Front}}",
            &fields,
        )
        .expect("optional reverse");
        assert_eq!((reverse.front, reverse.back), (1, vec![0]));
    }

    #[test]
    fn cloze_and_two_field_questions_are_not_basic() {
        let fields = names(&["Text", "Back Extra"]);
        assert!(
            shape_of(
                "{{cloze:Text}}",
                "{{cloze:Text}}<br>{{Back Extra}}",
                &fields
            )
            .is_none()
        );
        let fields = names(&["A", "B", "C"]);
        assert!(shape_of("{{A}} and {{B}}", "{{C}}", &fields).is_none());
        assert!(
            shape_of("{{A}}", "{{FrontSide}}", &fields).is_none(),
            "no answer field"
        );
    }

    #[test]
    fn references_skip_sections_comments_and_special_fields() {
        let refs = field_references("{{#X}}{{text:Y}}{{/X}} {{!c}} {{Tags}} {{{Z}}} {{ W }}");
        let got: Vec<&str> = refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(got, ["Y", "Z", "W"]);
    }
}
