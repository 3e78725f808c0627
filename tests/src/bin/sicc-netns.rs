//! Brings up the four-country federation as real `sicc run` processes in Linux network
//! namespaces (root needed), prints where each node is, and tears everything down on Ctrl-C.
//!
//! `cargo build -p sicc-node --bin sicc && cargo run -p sicc-tests --bin sicc-netns`

use sicc_tests::netns::{NetnsFederation, leftovers};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let countries: Vec<String> = std::env::args().skip(1).collect();
    let countries: Vec<&str> = if countries.is_empty() {
        vec!["ES", "FR", "SE", "LV"]
    } else {
        countries.iter().map(String::as_str).collect()
    };
    let mut fed = NetnsFederation::up(&countries).await?;
    println!(
        "{:<4} {:<14} {:<16} {:<26} node id",
        "", "namespace", "address", "API"
    );
    for n in &fed.nodes {
        println!(
            "{:<4} {:<14} {:<16} {:<26} {}",
            n.country, n.namespace, n.ip, n.api, n.node_id
        );
    }
    println!(
        "\nCLI inside a node: ip netns exec {} sicc --data-dir {} status",
        fed.nodes[0].namespace,
        fed.data_dir(0).display()
    );
    println!(
        "Cut a node off: ip link set {}h0 down. Ctrl-C tears everything down.",
        fed.prefix
    );
    tokio::signal::ctrl_c().await?;
    let prefix = fed.prefix.clone();
    fed.down()?;
    println!("torn down; leftovers: {:?}", leftovers(&prefix));
    Ok(())
}
