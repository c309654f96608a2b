//! Reading a count from JSON. JSON has one kind of number, so to a JSON Schema `integer`
//! (and to JavaScript) `1000` and `1000.0` are the same whole number: both are taken, and
//! only a fraction (`1000.5`) or a number out of range is refused. For
//! `#[serde(deserialize_with = "…")]` on the counts a request sends.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, Unexpected, Visitor};

/// A whole number of type `T`.
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    deserializer.deserialize_any(WholeNumber(PhantomData))
}

/// `null` (`None`) or a whole number.
pub fn option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    deserializer.deserialize_option(Optional(PhantomData))
}

/// A list of whole numbers (`[7, 1.0]`).
pub fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    struct Whole<T>(T);
    impl<'de, T: TryFrom<i64>> serde::Deserialize<'de> for Whole<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            self::deserialize(deserializer).map(Whole)
        }
    }
    let items: Vec<Whole<T>> = serde::Deserialize::deserialize(deserializer)?;
    Ok(items.into_iter().map(|Whole(n)| n).collect())
}

struct WholeNumber<T>(PhantomData<T>);

impl<T: TryFrom<i64>> Visitor<'_> for WholeNumber<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number in range")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        i64::try_from(v)
            .ok()
            .and_then(|v| T::try_from(v).ok())
            .ok_or_else(|| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        // Exactly representable as i64 and without a fraction: ±2^63 bounds the cast.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v) {
            self.visit_i64(v as i64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}

struct Optional<T>(PhantomData<T>);

impl<'de, T: TryFrom<i64>> Visitor<'de> for Optional<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a whole number in range")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserialize(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Counts {
        #[serde(deserialize_with = "super::deserialize")]
        small: u32,
        #[serde(default, deserialize_with = "super::option")]
        maybe: Option<i64>,
    }

    fn read(json: &str) -> Result<Counts, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn a_whole_number_may_be_written_with_a_point_zero() {
        let counts = read(r#"{"small": 1000.0, "maybe": -5.0}"#).unwrap();
        assert_eq!((counts.small, counts.maybe), (1000, Some(-5)));
        let counts = read(r#"{"small": 7, "maybe": null}"#).unwrap();
        assert_eq!((counts.small, counts.maybe), (7, None));
        assert_eq!(read(r#"{"small": 7}"#).unwrap().maybe, None);
    }

    #[test]
    fn a_list_takes_whole_numbers_however_written() {
        #[derive(Debug, Deserialize)]
        struct Days {
            #[serde(deserialize_with = "super::list")]
            days: Vec<u32>,
        }
        let days: Days = serde_json::from_str(r#"{"days": [7, 1.0]}"#).unwrap();
        assert_eq!(days.days, [7, 1]);
        assert!(serde_json::from_str::<Days>(r#"{"days": [7, 1.5]}"#).is_err());
    }

    #[test]
    fn fractions_and_numbers_out_of_range_are_refused() {
        for json in [
            r#"{"small": 1.5}"#,
            r#"{"small": -1}"#,
            r#"{"small": 4294967296}"#,
            r#"{"small": 1e300}"#,
            r#"{"small": "7"}"#,
            r#"{"small": 1, "maybe": 0.25}"#,
        ] {
            let error = read(json).unwrap_err();
            assert!(error.contains("whole number"), "{json}: {error}");
        }
    }
}
