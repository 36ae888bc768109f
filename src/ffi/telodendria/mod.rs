//! The Telodendria drop-in (cargo feature `telodendria`): `UiaStageBuild`,
//! `UiaDummyFlow`, `UiaCleanup`, `UiaComplete` and `UiaFlowsFree` with the
//! ABI of Telodendria's `Uia.h`, over Cytoplasm's HashMap/Array/Json/Db and
//! Telodendria's user and registration-token functions, using the UIA
//! engine for the logic. Everything handed back to Telodendria is built with
//! Cytoplasm's own constructors, because Telodendria frees it with them.

mod cytoplasm;
mod stepup;
mod store;
pub mod uia;
