//! What `build.rs` compiled into the binary: the shipped decks and exam blueprints, and the
//! code-set chunks.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
