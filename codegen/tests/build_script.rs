//! The build.rs door: a crate outside the workspace, in a temporary directory, whose
//! `build.rs` compiles a WSDL from `tests/fixtures` through `Config`, and whose `main.rs`
//! includes the bindings with `soapkit::include_bindings!` and calls the generated client
//! against the generated server in process. It must build (with warnings denied) and run,
//! and cargo must have been told to rerun the build script when the WSDL changes.

mod support;

use std::path::PathBuf;
use std::process::Command;

const BUILD_RS: &str = r#"fn main() {
    soapkit_codegen::Config::new().compile(&["schema/notify.wsdl"]).unwrap_or_else(|e| panic!("{e}"));
}
"#;

const MAIN_RS: &str = r#"#![deny(warnings)]
//! Calls the generated client against the generated server, in process.

/// The bindings of `schema/notify.wsdl`.
pub mod notify {
    soapkit::include_bindings!("notify");
}

use notify::consumer_binding::{ConsumerBinding as _, *};
use notify::oneway::Notify;
use soapkit::server::RequestContext;
use soapkit::soap::Fault;
use std::sync::Mutex;

#[derive(Default)]
struct Consumer {
    topics: Mutex<Vec<String>>,
}

impl ConsumerBindingServer for Consumer {
    async fn notify(&self, _: &RequestContext, input: NotifyInput) -> Result<(), Fault> {
        self.topics.lock().unwrap().push(input.notify.topic);
        Ok(())
    }
    async fn subscribe(&self, ctx: &RequestContext, input: SubscribeInput) -> Result<SubscribeOutput, Fault> {
        let who = ctx.user.clone().unwrap_or_default();
        Ok(SubscribeOutput { parameters: format!("{who} subscribed to {}", input.parameters) })
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the loopback call waited"),
    }
}

fn main() {
    let loopback = soapkit::loopback::Loopback::new(ConsumerBindingDispatcher::new(Consumer::default())).as_user("ada");
    let client = ConsumerBindingClient::new(loopback.clone());
    let out = block_on(client.subscribe(SubscribeInput { parameters: "news".into() })).expect("subscribe");
    assert_eq!(out.parameters, "ada subscribed to news");
    let note = Notify { topic: "news".into(), message: vec!["hello".into()] };
    block_on(client.notify(NotifyInput { notify: note })).expect("notify");
    assert_eq!(*loopback.service().service().topics.lock().unwrap(), ["news"]);
    println!("in-process calls: ok");
}
"#;

#[test]
fn a_build_script_generates_bindings_that_a_crate_includes_and_runs() {
    let workspace = support::workspace_dir();
    let dir = std::env::temp_dir().join(format!("soapkit-build-script-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    std::fs::copy(support::fixtures().join("constructs/wsdl_one_way.wsdl"), dir.join("schema/notify.wsdl")).unwrap();
    let manifest = format!(
        "[package]\nname = \"uses-soapkit\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nsoapkit = {{ path = {:?} }}\n\n[build-dependencies]\nsoapkit-codegen = {{ path = {:?} }}\n\n[workspace]\n",
        workspace.join("runtime").display().to_string(),
        workspace.join("codegen").display().to_string(),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    // The workspace's lock file: the same dependency versions, nothing to resolve.
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(dir.join("build.rs"), BUILD_RS).unwrap();
    std::fs::write(dir.join("src/main.rs"), MAIN_RS).unwrap();

    let target: PathBuf = workspace.join("target/codegen-scratch/target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(&cargo)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .args(["run", "--quiet"])
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the crate did not build or run:\n{}{stdout}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.trim(), "in-process calls: ok");

    // The build script told cargo about the file it read.
    let build_dir = target.join("debug/build");
    let outputs: Vec<String> = std::fs::read_dir(&build_dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("uses-soapkit-"))
        .filter_map(|e| std::fs::read_to_string(e.path().join("output")).ok())
        .collect();
    let wsdl = dir.join("schema/notify.wsdl");
    assert!(
        outputs.iter().any(|o| o.lines().any(|l| l == format!("cargo:rerun-if-changed={}", wsdl.display()))),
        "no cargo:rerun-if-changed for {} in {outputs:?}",
        wsdl.display()
    );
    // The included file says what produced it.
    let generated: Vec<String> = std::fs::read_dir(&build_dir)
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("out/notify.rs")).ok())
        .collect();
    assert!(
        generated.iter().any(|g| g.starts_with(
            "// @generated by soapkit-codegen via build.rs from `schema/notify.wsdl`. Do not edit: it is regenerated by every build.\n"
        )),
        "{:?}",
        generated.iter().map(|g| g.lines().next()).collect::<Vec<_>>()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
