//! `Debug` for generated structs, through their `Serialize` impl: the members a value has,
//! as they go on the wire, written straight into the formatter (so `{:#?}` indents).
//! Members that are `None` are left out: a reply type with sixty optional members shows the
//! three the reply had, not fifty-seven `None`s.

use std::fmt;

use serde::ser::{self, Serialize, Serializer};

/// Writes `value` as `Name {"member": value, …}`.
pub(super) fn fmt<T: Serialize>(value: &T, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(name)?;
    f.write_str(" ")?;
    value.serialize(Writer { f }).map_err(|_| fmt::Error)
}

/// A serde value shown with `Debug`.
struct Shown<'v, T: ?Sized>(&'v T);

impl<T: Serialize + ?Sized> fmt::Debug for Shown<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.serialize(Writer { f }).map_err(|_| fmt::Error)
    }
}

/// The formatter failed (or a value refused to serialize); `Debug` reports `fmt::Error`.
#[derive(Debug)]
struct Failed;

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not write the value")
    }
}

impl std::error::Error for Failed {}

impl ser::Error for Failed {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Failed
    }
}

fn written(result: fmt::Result) -> Result<(), Failed> {
    result.map_err(|_| Failed)
}

struct Writer<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
}

impl Writer<'_, '_> {
    fn debug(self, value: &dyn fmt::Debug) -> Result<(), Failed> {
        written(value.fmt(self.f))
    }
}

impl<'a, 'b> Serializer for Writer<'a, 'b> {
    type Ok = ();
    type Error = Failed;
    type SerializeSeq = List<'a, 'b>;
    type SerializeTuple = List<'a, 'b>;
    type SerializeTupleStruct = List<'a, 'b>;
    type SerializeTupleVariant = List<'a, 'b>;
    type SerializeMap = Map<'a, 'b>;
    type SerializeStruct = Map<'a, 'b>;
    type SerializeStructVariant = Map<'a, 'b>;

    fn serialize_bool(self, v: bool) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_char(self, v: char) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_str(self, v: &str) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Failed> {
        self.debug(&v)
    }
    fn serialize_none(self) -> Result<(), Failed> {
        written(self.f.write_str("None"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Failed> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Failed> {
        written(self.f.write_str("()"))
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), Failed> {
        written(self.f.write_str(name))
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Failed> {
        written(self.f.write_str(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Failed> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Failed> {
        written(self.f.debug_tuple(variant).field(&Shown(value)).finish())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<List<'a, 'b>, Failed> {
        Ok(List(self.f.debug_list()))
    }
    fn serialize_tuple(self, len: usize) -> Result<List<'a, 'b>, Failed> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<List<'a, 'b>, Failed> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<List<'a, 'b>, Failed> {
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'a, 'b>, Failed> {
        Ok(Map(self.f.debug_map()))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Map<'a, 'b>, Failed> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<Map<'a, 'b>, Failed> {
        self.serialize_map(Some(len))
    }
}

struct List<'a, 'b>(fmt::DebugList<'a, 'b>);

impl List<'_, '_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        self.0.entry(&Shown(value));
        Ok(())
    }

    fn finish(mut self) -> Result<(), Failed> {
        written(self.0.finish())
    }
}

impl ser::SerializeSeq for List<'_, '_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        self.push(value)
    }
    fn end(self) -> Result<(), Failed> {
        self.finish()
    }
}

impl ser::SerializeTuple for List<'_, '_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        self.push(value)
    }
    fn end(self) -> Result<(), Failed> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for List<'_, '_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        self.push(value)
    }
    fn end(self) -> Result<(), Failed> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for List<'_, '_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        self.push(value)
    }
    fn end(self) -> Result<(), Failed> {
        self.finish()
    }
}

struct Map<'a, 'b>(fmt::DebugMap<'a, 'b>);

impl Map<'_, '_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Failed> {
        self.0.entry(&key, &Shown(value));
        Ok(())
    }

    fn finish(mut self) -> Result<(), Failed> {
        written(self.0.finish())
    }
}

impl ser::SerializeMap for Map<'_, '_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Failed> {
        self.0.key(&Shown(key));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        self.0.value(&Shown(value));
        Ok(())
    }
    fn end(self) -> Result<(), Failed> {
        self.finish()
    }
}

impl ser::SerializeStruct for Map<'_, '_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Failed> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Failed> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Map<'_, '_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Failed> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Failed> {
        self.finish()
    }
}
