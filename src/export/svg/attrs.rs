//! SVG attribute text: numbers with at most two decimals, colours as `fill`/`stroke` with an
//! opacity for translucent ones, point lists, and text escaped for XML.

use std::fmt::Write as _;

use egui::{Color32, Pos2, Stroke};

pub(super) fn fill(color: Color32) -> String {
    if color.a() == 0 {
        r#" fill="none""#.to_owned()
    } else {
        paint("fill", color)
    }
}

pub(super) fn stroke(stroke: Stroke) -> String {
    if stroke.is_empty() {
        return String::new();
    }
    format!(
        r#"{} stroke-width="{}""#,
        paint("stroke", stroke.color),
        num(stroke.width)
    )
}

/// `name="#rrggbb"` plus `name-opacity` for translucent colours (egui colours are premultiplied).
pub(super) fn paint(name: &str, color: Color32) -> String {
    let [r, g, b, a] = color.to_srgba_unmultiplied();
    if a == 255 {
        format!(r##" {name}="#{r:02x}{g:02x}{b:02x}""##)
    } else {
        format!(
            r##" {name}="#{r:02x}{g:02x}{b:02x}" {name}-opacity="{}""##,
            num(f32::from(a) / 255.0)
        )
    }
}

pub(super) fn points(points: &[Pos2]) -> String {
    let mut out = String::with_capacity(points.len() * 12);
    for (i, point) in points.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{},{}", num(point.x), num(point.y));
    }
    out
}

/// A coordinate with at most two decimals and no trailing zeros.
pub(super) fn num(value: f32) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}
