//! A small TrueType subsetter: keeps the outlines of the characters a picture uses and empties the
//! rest, so an SVG embeds a few kilobytes of font instead of a third of a megabyte.
//!
//! Glyph ids stay as they are (the `cmap`, `hmtx` and hinting tables are kept), only `glyf` and
//! `loca` are rebuilt, and layout tables that would refer to removed glyphs (GSUB, GPOS, kern, ...)
//! are dropped: export positions every glyph itself, so no shaping is needed. Composite glyphs keep
//! their components.

use std::collections::BTreeSet;

use skrifa::MetadataProvider as _;

/// Why a font could not be subsetted (the caller then embeds it whole).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubsetError {
    /// Not a TrueType font with `glyf` outlines (e.g. a CFF font).
    #[error("not a TrueType glyf font")]
    Unsupported,
    /// A table or offset points outside the file.
    #[error("malformed font: {0}")]
    Malformed(&'static str),
}

/// Tables that describe glyph substitution or positioning, or that index every glyph in a way a
/// subset would break; export does not need them.
const DROPPED: [&[u8; 4]; 9] = [
    b"GSUB", b"GPOS", b"GDEF", b"kern", b"DSIG", b"hdmx", b"LTSH", b"VDMX", b"morx",
];

struct Table<'a> {
    tag: [u8; 4],
    data: &'a [u8],
}

fn read_u16(data: &[u8], at: usize) -> Result<u16, SubsetError> {
    data.get(at..)
        .and_then(|rest| rest.first_chunk::<2>())
        .map(|bytes| u16::from_be_bytes(*bytes))
        .ok_or(SubsetError::Malformed("read past the end"))
}

fn read_u32(data: &[u8], at: usize) -> Result<u32, SubsetError> {
    data.get(at..)
        .and_then(|rest| rest.first_chunk::<4>())
        .map(|bytes| u32::from_be_bytes(*bytes))
        .ok_or(SubsetError::Malformed("read past the end"))
}

fn tables(font: &[u8]) -> Result<Vec<Table<'_>>, SubsetError> {
    let version = read_u32(font, 0)?;
    if version != 0x0001_0000 && version != u32::from_be_bytes(*b"true") {
        return Err(SubsetError::Unsupported);
    }
    let count = usize::from(read_u16(font, 4)?);
    (0..count)
        .map(|i| {
            let record = 12 + 16 * i;
            let tag = *font
                .get(record..)
                .and_then(|rest| rest.first_chunk::<4>())
                .ok_or(SubsetError::Malformed("table directory"))?;
            let offset = read_u32(font, record + 8)? as usize;
            let length = read_u32(font, record + 12)? as usize;
            let data = font
                .get(offset..offset + length)
                .ok_or(SubsetError::Malformed("table outside the file"))?;
            Ok(Table { tag, data })
        })
        .collect()
}

fn find<'a>(tables: &'a [Table<'a>], tag: &[u8; 4]) -> Result<&'a [u8], SubsetError> {
    tables
        .iter()
        .find(|table| &table.tag == tag)
        .map(|table| table.data)
        .ok_or(SubsetError::Unsupported)
}

/// Glyph offsets into `glyf` from `loca` (numGlyphs + 1 entries).
fn glyph_offsets(loca: &[u8], long: bool, glyphs: usize) -> Result<Vec<usize>, SubsetError> {
    (0..=glyphs)
        .map(|i| {
            if long {
                read_u32(loca, 4 * i).map(|v| v as usize)
            } else {
                read_u16(loca, 2 * i).map(|v| usize::from(v) * 2)
            }
        })
        .collect()
}

/// The components of a composite glyph (empty for a simple one).
fn components(glyph: &[u8]) -> Result<Vec<u16>, SubsetError> {
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAVE_SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const HAVE_XY_SCALE: u16 = 0x0040;
    const HAVE_2X2: u16 = 0x0080;
    if glyph.len() < 10 || (read_u16(glyph, 0)? as i16) >= 0 {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    let mut at = 10;
    loop {
        let flags = read_u16(glyph, at)?;
        found.push(read_u16(glyph, at + 2)?);
        at += 4;
        at += if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & HAVE_SCALE != 0 {
            2
        } else if flags & HAVE_XY_SCALE != 0 {
            4
        } else if flags & HAVE_2X2 != 0 {
            8
        } else {
            0
        };
        if flags & MORE == 0 {
            return Ok(found);
        }
    }
}

/// Returns a copy of `font` in which only the glyphs of `chars` (and `.notdef`) keep outlines.
pub fn subset(font: &[u8], chars: &BTreeSet<char>) -> Result<Vec<u8>, SubsetError> {
    let tables = tables(font)?;
    let head = find(&tables, b"head")?;
    let glyph_count = usize::from(read_u16(find(&tables, b"maxp")?, 4)?);
    let long_loca = read_u16(head, 50)? != 0;
    let glyf = find(&tables, b"glyf")?;
    let offsets = glyph_offsets(find(&tables, b"loca")?, long_loca, glyph_count)?;
    let glyph = |id: usize| -> Result<&[u8], SubsetError> {
        let (Some(&start), Some(&end)) = (offsets.get(id), offsets.get(id + 1)) else {
            return Err(SubsetError::Malformed("glyph outside loca"));
        };
        glyf.get(start..end.max(start))
            .ok_or(SubsetError::Malformed("glyph outside glyf"))
    };

    let charmap_font =
        skrifa::FontRef::new(font).map_err(|_| SubsetError::Malformed("unreadable by skrifa"))?;
    let charmap = charmap_font.charmap();
    let mut keep: BTreeSet<usize> = BTreeSet::new();
    let mut queue: Vec<usize> = chars
        .iter()
        .filter_map(|&ch| charmap.map(ch))
        .map(|id| id.to_u32() as usize)
        .chain([0])
        .filter(|&id| id < glyph_count)
        .collect();
    while let Some(id) = queue.pop() {
        if keep.insert(id) {
            for component in components(glyph(id)?)? {
                let component = usize::from(component);
                if component < glyph_count && !keep.contains(&component) {
                    queue.push(component);
                }
            }
        }
    }

    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (glyph_count + 1));
    for id in 0..glyph_count {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if keep.contains(&id) {
            new_glyf.extend_from_slice(glyph(id)?);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    let mut new_head = head.to_vec();
    new_head
        .get_mut(8..12)
        .ok_or(SubsetError::Malformed("short head"))?
        .fill(0);
    new_head
        .get_mut(50..52)
        .ok_or(SubsetError::Malformed("short head"))?
        .copy_from_slice(&1u16.to_be_bytes());

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    for table in &tables {
        if DROPPED.contains(&&table.tag) {
            continue;
        }
        let data = match &table.tag {
            b"glyf" => new_glyf.clone(),
            b"loca" => new_loca.clone(),
            b"head" => new_head.clone(),
            b"post" => match table.data.get(4..32) {
                // Version 3.0 keeps the header and drops the glyph names.
                Some(header) => [&0x0003_0000u32.to_be_bytes()[..], header].concat(),
                None => table.data.to_vec(),
            },
            _ => table.data.to_vec(),
        };
        out_tables.push((table.tag, data));
    }
    out_tables.sort_by_key(|(tag, _)| *tag);
    Ok(assemble(&out_tables))
}

fn checksum(data: &[u8]) -> u32 {
    let (words, tail) = data.as_chunks::<4>();
    let mut last = [0u8; 4];
    last.iter_mut()
        .zip(tail)
        .for_each(|(byte, &tail)| *byte = tail);
    let tail_word = if tail.is_empty() { None } else { Some(last) };
    (words.iter().copied().chain(tail_word))
        .fold(0u32, |sum, word| sum.wrapping_add(u32::from_be_bytes(word)))
}

fn assemble(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let count = tables.len() as u16;
    let entry_selector = 15 - count.max(1).leading_zeros() as u16;
    let search_range = (1u16 << entry_selector) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&search_range.to_be_bytes());
    out.extend_from_slice(&entry_selector.to_be_bytes());
    out.extend_from_slice(&(count * 16 - search_range).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_offset = None;
    for (tag, data) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_offset = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_offset {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        if let Some(field) = out.get_mut(at + 8..at + 12) {
            field.copy_from_slice(&adjustment.to_be_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ubuntu() -> Vec<u8> {
        let definitions = egui::FontDefinitions::default();
        (*definitions.font_data["Ubuntu-Light"].font)
            .as_ref()
            .to_vec()
    }

    fn glyph_length(font: &[u8], ch: char) -> usize {
        let tables = tables(font).unwrap();
        let head = find(&tables, b"head").unwrap();
        let count = usize::from(read_u16(find(&tables, b"maxp").unwrap(), 4).unwrap());
        let long = read_u16(head, 50).unwrap() != 0;
        let offsets = glyph_offsets(find(&tables, b"loca").unwrap(), long, count).unwrap();
        let id = skrifa::FontRef::new(font)
            .unwrap()
            .charmap()
            .map(ch)
            .unwrap()
            .to_u32() as usize;
        offsets[id + 1] - offsets[id]
    }

    #[test]
    fn keeps_used_glyphs_empties_the_rest_and_shrinks() {
        let font = ubuntu();
        let chars: BTreeSet<char> = "Trap".chars().collect();
        let small = subset(&font, &chars).unwrap();
        assert!(
            small.len() * 3 < font.len(),
            "{} vs {}",
            small.len(),
            font.len()
        );
        assert!(glyph_length(&small, 'T') > 0);
        assert_eq!(glyph_length(&small, 'T'), glyph_length(&font, 'T'));
        assert_eq!(glyph_length(&small, 'z'), 0);
        assert!(
            skrifa::FontRef::new(&small).is_ok(),
            "the subset is still a readable font"
        );
        assert_eq!(
            checksum(&small),
            0xB1B0_AFBA,
            "whole-font checksum is adjusted"
        );
    }

    #[test]
    fn composite_glyphs_keep_their_components() {
        let font = ubuntu();
        let chars: BTreeSet<char> = "é".chars().collect();
        let small = subset(&font, &chars).unwrap();
        assert!(glyph_length(&small, 'é') > 0);
        let tables = tables(&font).unwrap();
        let head = find(&tables, b"head").unwrap();
        let count = usize::from(read_u16(find(&tables, b"maxp").unwrap(), 4).unwrap());
        let long = read_u16(head, 50).unwrap() != 0;
        let offsets = glyph_offsets(find(&tables, b"loca").unwrap(), long, count).unwrap();
        let id = skrifa::FontRef::new(&font[..])
            .unwrap()
            .charmap()
            .map('é')
            .unwrap()
            .to_u32() as usize;
        let glyf = find(&tables, b"glyf").unwrap();
        let parts = components(&glyf[offsets[id]..offsets[id + 1]]).unwrap();
        if !parts.is_empty() {
            let small_tables = super::tables(&small).unwrap();
            let small_offsets =
                glyph_offsets(find(&small_tables, b"loca").unwrap(), true, count).unwrap();
            for part in parts {
                let part = usize::from(part);
                assert!(
                    small_offsets[part + 1] > small_offsets[part],
                    "component {part} kept"
                );
            }
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert_eq!(
            subset(b"", &BTreeSet::new()),
            Err(SubsetError::Malformed("read past the end"))
        );
        assert_eq!(
            subset(b"OTTO\0\0\0\0", &BTreeSet::new()),
            Err(SubsetError::Unsupported)
        );
        let mut broken = ubuntu();
        broken.truncate(2000);
        assert!(subset(&broken, &BTreeSet::from(['a'])).is_err());
    }
}
