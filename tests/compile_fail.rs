//! Compile-time guarantees, checked with `trybuild`: each program in `tests/ui` uses the
//! public API as a user would, with one shape (or class count, batch size, scalar type or
//! buffer length) wrong, and must fail to compile with the error recorded in its `.stderr`.
//!
//! Regenerate the snapshots with `TRYBUILD=overwrite cargo test --test compile_fail`, then
//! read them: each must show the intended mismatch, not some unrelated error. (trybuild
//! drops line numbers from paths into this crate's `src/`, so editing the library does not
//! churn them unless the quoted source line itself changes.)
//!
//! How trybuild builds the cases matters. A `TestCases` holding only `compile_fail` cases
//! runs `cargo check` (all of them in one `--keep-going` run); as soon as it also holds a
//! `pass` case, it runs `cargo build`, one case at a time. `cargo check` does not evaluate a
//! `const { assert!(..) }` inside a generic function: it fails only when the function is
//! monomorphized, which `check` never does (rust-lang/rust#99682). So the wrong-length
//! `from_bytes`/`to_bytes` cases *compile* under `cargo check`, and live in a second
//! `TestCases` together with the `pass` cases, which makes trybuild use `cargo build`.
//! (Should one of them ever be built by `cargo check` again, it fails loudly, as
//! "expected test case to fail to compile, but it succeeded".)

/// Errors that `cargo check` reports: type mismatches, and panics while evaluating a
/// `const` or `static` item.
#[test]
fn check_errors() {
    let t = trybuild::TestCases::new();
    for case in [
        "matmul_inner_dim",
        "mul_operator_inner_dim",
        "transpose_shape",
        "vector_add_len",
        "forward_wrong_input_width",
        "forward_f64_into_f32",
        "gradients_other_shape",
        "workspace_other_shape",
        "labels_other_class_count",
        "classify_other_class_count",
        "batch_rows_vs_labels",
        "batch_vs_workspace_size",
        "label_const_out_of_range",
        "static_weights_wrong_len",
        "identity_not_square",
        "matrix_vector_len",
        "add_other_shape",
        "scalar_other_type",
        "deep_layer_mismatch",
        "deep_seq_mismatch",
        "deep_wrong_input_width",
        "deep_wrong_label_count",
        "deep_workspace_other_net",
    ] {
        t.compile_fail(format!("tests/ui/{case}.rs"));
    }
}

/// Post-monomorphization errors (wrong-length weight arrays), which need `cargo build`:
/// the `pass` cases in the same `TestCases` make trybuild build instead of check.
#[test]
fn build_errors_and_pass() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass_*.rs");
    t.compile_fail("tests/ui/from_bytes_wrong_len.rs");
    t.compile_fail("tests/ui/to_bytes_wrong_len.rs");
    t.compile_fail("tests/ui/label_zero_default.rs");
}
