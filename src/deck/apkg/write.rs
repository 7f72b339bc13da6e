//! Writing a deck as an Anki package that every Anki since 2.1 imports: a legacy
//! `collection.anki21` (SQLite at schema 11, Anki's `rslib/src/storage/schema11.sql`) with a
//! JSON media map, the layout of Anki's own "support older Anki versions" export.
//!
//! Each card becomes a note of one note type, "virtscope", with the fields Front, Back, scene,
//! note and shows (one line per label the scene paints): the card id is the note's guid (so importing the package again updates the notes instead
//! of adding copies), the Markdown sides become HTML, the scene link and the remark keep their
//! own fields, and the tags stay tags. The collection is built in memory and serialized, so the
//! export writes exactly one file, atomically.

use std::io::Write as _;

use rusqlite::{Connection, MAIN_DB, params};
use serde_json::json;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::super::html::markdown_to_html;
use super::super::markdown::plain_text;
use super::super::model::Deck;

/// Anki's schema-11 tables and indices (`rslib/src/storage/schema11.sql`).
const SCHEMA11: &str = "
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL,
  scm integer NOT NULL, ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL,
  ls integer NOT NULL, conf text NOT NULL, models text NOT NULL, decks text NOT NULL,
  dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL,
  sfld integer NOT NULL, csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL,
  ord integer NOT NULL, mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL,
  queue integer NOT NULL, due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL,
  reps integer NOT NULL, lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL,
  odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL,
  ease integer NOT NULL, ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL,
  time integer NOT NULL, type integer NOT NULL);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
";

/// The note type's fields, in order.
pub const FIELDS: [&str; 5] = ["Front", "Back", "scene", "note", "shows"];

/// One media file to put into the package: its name there and its bytes.
pub struct PackedMedia {
    /// The name fields refer to.
    pub name: String,
    /// The file's content.
    pub bytes: Vec<u8>,
}

/// Why a package could not be built in memory (writing it to its file is the caller's).
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// Building the collection in SQLite failed.
    #[error("{0}")]
    Collection(#[from] rusqlite::Error),
    /// The zip writer failed.
    #[error("{0}")]
    Zip(#[from] zip::result::ZipError),
    /// Writing into the zip failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The package's bytes: `collection.anki21`, the media files `0`, `1`, ... and the JSON `media`
/// map. `image_src` gives the package name of an image path written in a card.
pub fn package_bytes(
    deck: &Deck,
    media: &[PackedMedia],
    image_src: &dyn Fn(&str) -> String,
    now_secs: i64,
) -> Result<Vec<u8>, PackError> {
    let collection = collection_bytes(deck, image_src, now_secs)?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let io = PackError::Io;
    let zip_error = PackError::Zip;
    zip.start_file("collection.anki21", deflated)
        .map_err(zip_error)?;
    zip.write_all(&collection).map_err(io)?;
    let mut map = serde_json::Map::new();
    for (index, file) in media.iter().enumerate() {
        zip.start_file(index.to_string(), stored)
            .map_err(zip_error)?;
        zip.write_all(&file.bytes).map_err(io)?;
        map.insert(index.to_string(), json!(file.name));
    }
    zip.start_file("media", stored).map_err(zip_error)?;
    zip.write_all(serde_json::Value::Object(map).to_string().as_bytes())
        .map_err(io)?;
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

/// The schema-11 collection holding `deck`, serialized.
fn collection_bytes(
    deck: &Deck,
    image_src: &dyn Fn(&str) -> String,
    now_secs: i64,
) -> rusqlite::Result<Vec<u8>> {
    let mut conn = Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA11)?;
    let now_ms = now_secs.saturating_mul(1000);
    let notetype_id = now_ms;
    let deck_id = now_ms + 1;
    // Anki counts review days from the collection's creation; today is enough for new cards.
    let day_start = now_secs - now_secs.rem_euclid(86_400);
    let name = if deck.meta.name.trim().is_empty() {
        deck.meta.id.clone()
    } else {
        deck.meta.name.clone()
    };
    conn.execute(
        "INSERT INTO col VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
        params![
            day_start,
            now_ms,
            conf_json(notetype_id, deck_id).to_string(),
            json!({ notetype_id.to_string(): notetype_json(notetype_id, now_secs) }).to_string(),
            decks_json(deck_id, &name, &deck.meta.description, now_secs).to_string(),
            json!({ "1": deck_config_json() }).to_string(),
        ],
    )?;
    let tx = conn.transaction()?;
    {
        let mut note =
            tx.prepare("INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, 0, 0, '')")?;
        let mut card = tx.prepare(
            "INSERT INTO cards VALUES (?1, ?2, ?3, 0, ?4, -1, 0, 0, ?5, 0, 0, 0, 0, 0, 0, 0, 0, '{}')",
        )?;
        for (index, deck_card) in deck.cards.iter().enumerate() {
            let offset = i64::try_from(index).unwrap_or(i64::MAX);
            let id = now_ms.saturating_add(2).saturating_add(offset);
            let fields = [
                markdown_to_html(&deck_card.front, image_src),
                markdown_to_html(&deck_card.back, image_src),
                deck_card.scene.clone().unwrap_or_default(),
                deck_card
                    .note
                    .as_deref()
                    .map(|n| markdown_to_html(n, image_src))
                    .unwrap_or_default(),
                deck_card
                    .shows
                    .iter()
                    .map(|shown| super::super::html::text_to_html(shown))
                    .collect::<Vec<_>>()
                    .join("<br>"),
            ];
            let tags = if deck_card.tags.is_empty() {
                String::new()
            } else {
                format!(" {} ", deck_card.tags.join(" "))
            };
            note.execute(params![
                id,
                deck_card.id,
                notetype_id,
                now_secs,
                tags,
                fields.join("\u{1f}"),
                plain_text(&deck_card.front),
            ])?;
            card.execute(params![id, id, deck_id, now_secs, offset + 1])?;
        }
    }
    tx.commit()?;
    Ok(conn.serialize(MAIN_DB)?.to_vec())
}

/// The note type: Front and Back shown as Anki's Basic shows them, the scene link and remark
/// below the answer when present.
fn notetype_json(id: i64, now_secs: i64) -> serde_json::Value {
    let fields: Vec<serde_json::Value> = FIELDS
        .iter()
        .enumerate()
        .map(|(ord, name)| {
            json!({
                "name": name, "ord": ord, "sticky": false, "rtl": false, "font": "Arial",
                "size": 20, "description": "", "plainText": false, "collapsed": false,
                "excludeFromSearch": false, "media": []
            })
        })
        .collect();
    json!({
        "id": id,
        "name": "virtscope",
        "type": 0,
        "mod": now_secs,
        "usn": -1,
        "sortf": 0,
        "did": null,
        "tmpls": [{
            "name": "Card 1",
            "ord": 0,
            "qfmt": "{{Front}}",
            "afmt": "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}\n\n{{#note}}<div class=note>{{note}}</div>{{/note}}\n{{#scene}}<div class=scene>virtscope scene: {{scene}}</div>{{/scene}}",
            "bqfmt": "", "bafmt": "", "did": null, "bfont": "", "bsize": 0
        }],
        "flds": fields,
        "css": ".card { font-family: arial; font-size: 20px; line-height: 1.5; text-align: left; color: black; background-color: white; }\n.note, .scene { font-size: 14px; color: #555; margin-top: 1em; }\n",
        "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
        "latexPost": "\\end{document}",
        "latexsvg": false,
        "req": [[0, "any", [0]]],
        "tags": [],
        "vers": []
    })
}

fn decks_json(deck_id: i64, name: &str, description: &str, now_secs: i64) -> serde_json::Value {
    let deck = |id: i64, name: &str, description: &str, modified: i64| {
        json!({
            "id": id, "mod": modified, "name": name, "usn": -1, "lrnToday": [0, 0],
            "revToday": [0, 0], "newToday": [0, 0], "timeToday": [0, 0], "collapsed": false,
            "browserCollapsed": false, "desc": description, "dyn": 0, "conf": 1,
            "extendNew": 0, "extendRev": 0
        })
    };
    json!({
        "1": deck(1, "Default", "", 0),
        deck_id.to_string(): deck(deck_id, name, description, now_secs),
    })
}

/// Anki's default deck options (schema 11), as its own legacy export writes them.
fn deck_config_json() -> serde_json::Value {
    json!({
        "id": 1, "mod": 0, "name": "Default", "usn": 0, "maxTaken": 60, "autoplay": true,
        "timer": 0, "replayq": true, "dyn": false,
        "new": { "bury": false, "delays": [1.0, 10.0], "initialFactor": 2500,
                 "ints": [1, 4, 0], "order": 1, "perDay": 20 },
        "rev": { "bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200,
                 "hardFactor": 1.2 },
        "lapse": { "delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1,
                   "mult": 0.0 }
    })
}

fn conf_json(notetype_id: i64, deck_id: i64) -> serde_json::Value {
    json!({
        "activeDecks": [deck_id], "curDeck": deck_id, "newSpread": 0, "collapseTime": 1200,
        "timeLim": 0, "estTimes": true, "dueCounts": true, "curModel": notetype_id,
        "nextPos": 1, "sortType": "noteFld", "sortBackwards": false, "addToCur": true,
        "schedVer": 2
    })
}
