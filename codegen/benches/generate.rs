//! Generation time: MS-OXWUMS (the checked-in bindings) and the full Exchange Web Services
//! WSDL (`../shared/reference/ews-full/services.wsdl`, about 700 KB of WSDL and schemas, about
//! 7 MB of generated Rust). The target: `cargo xtask gen` stays well under a second even for
//! the full EWS schema.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use soapkit_codegen::Config;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("generate");
    g.sample_size(10);
    let ms_oxwums = root().join("schemas/ms-oxwums/MS-OXWUMS.wsdl");
    g.bench_function("ms-oxwums", |b| b.iter(|| Config::new().generate(&[&ms_oxwums]).expect("generate")));
    let reference = std::env::var_os("SOAPKIT_REFERENCE").map_or_else(|| root().join("../shared/reference"), PathBuf::from);
    let ews = reference.join("ews-full/services.wsdl");
    if ews.exists() {
        g.bench_function("ews-full", |b| b.iter(|| Config::new().generate(&[&ews]).expect("generate")));
    } else {
        eprintln!(
            "generate/ews-full skipped: the reference WSDL {} is absent (put ../shared beside the checkout or set SOAPKIT_REFERENCE)",
            ews.display()
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
