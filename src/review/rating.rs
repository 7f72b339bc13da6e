//! The four answer buttons.
//!
//! Why a separate type: the rating is what the keyboard (1/2/3/4), the review log (1..=4, as in
//! Anki's revlog and FSRS) and the statistics (Again = forgotten, anything else = recalled) share.

/// How well the student recalled the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rating {
    /// Forgot: the card goes back to the first (re)learning step.
    Again,
    /// Recalled with serious difficulty.
    Hard,
    /// Recalled after some thought.
    Good,
    /// Recalled at once.
    Easy,
}

impl Rating {
    /// All ratings in button order.
    pub const ALL: &[Self] = &[Self::Again, Self::Hard, Self::Good, Self::Easy];

    /// Stable lower-case id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Again => "again",
            Self::Hard => "hard",
            Self::Good => "good",
            Self::Easy => "easy",
        }
    }

    /// Parses a [`Rating::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|rating| rating.slug() == slug)
    }

    /// The button caption.
    pub fn title(self) -> &'static str {
        match self {
            Self::Again => "Again",
            Self::Hard => "Hard",
            Self::Good => "Good",
            Self::Easy => "Easy",
        }
    }

    /// The number FSRS, Anki's review log and the keyboard use: Again = 1 ... Easy = 4.
    pub fn number(self) -> u8 {
        match self {
            Self::Again => 1,
            Self::Hard => 2,
            Self::Good => 3,
            Self::Easy => 4,
        }
    }

    /// The rating with [`Rating::number`] `number`.
    pub fn from_number(number: u8) -> Option<Self> {
        Self::ALL.get(usize::from(number).checked_sub(1)?).copied()
    }

    /// True for every rating except Again (the definition of a pass in true retention).
    pub fn is_pass(self) -> bool {
        self != Self::Again
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_slugs_round_trip() {
        for &rating in Rating::ALL {
            assert_eq!(Rating::from_number(rating.number()), Some(rating));
            assert_eq!(Rating::from_slug(rating.slug()), Some(rating));
        }
        assert_eq!(Rating::from_number(0), None);
        assert_eq!(Rating::from_number(5), None);
        assert_eq!(Rating::Good.number(), 3);
        assert!(!Rating::Again.is_pass() && Rating::Hard.is_pass());
    }
}
