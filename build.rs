//! The standard rulebook is embedded with include_dir, which cargo cannot track: rebuild
//! whenever anything under rules/ changes, so the binary never ships a stale rulebook.
fn main() {
    println!("cargo:rerun-if-changed=rules");
}
