//! `sicc user …` and `sicc token …`: staff accounts and API tokens. Through the running daemon
//! (with the local credential, as admin) when it runs; directly on the store when it is
//! stopped — the first admin is made either way, never with a default password.

use super::client::{Client, ClientError};
use super::output::{plain, print_json};
use super::{Cli, EXIT_FAILURE, EXIT_NOT_FOUND, EXIT_REJECTED, EXIT_USAGE, Failure};
use super::{TokenCommand, UserCommand};
use crate::accounts::{AccountError, Accounts, Role};
use crate::storage::{Store, StoreWriter};
use serde_json::{Value, json};
use std::path::Path;

impl From<AccountError> for Failure {
    fn from(e: AccountError) -> Failure {
        let code = match &e {
            AccountError::NoUser(_) | AccountError::NoToken(_) => EXIT_NOT_FOUND,
            AccountError::Hash(_) | AccountError::Store(_) => EXIT_FAILURE,
            _ => EXIT_REJECTED,
        };
        Failure::new(code, e.to_string())
    }
}

/// The running daemon's API, or the closed store.
enum Backend {
    Api(Client),
    Direct {
        accounts: Accounts,
        store: Store,
        writer: StoreWriter,
    },
}

impl Backend {
    async fn open(cli: &Cli, dir: &Path) -> Result<Backend, Failure> {
        match Client::from_cli(cli.api.as_deref(), dir) {
            Ok(client) => Ok(Backend::Api(client)),
            Err(ClientError::NoDaemon { .. }) => {
                if !dir.join(crate::data_dir::IDENTITY_FILE).exists() {
                    return Err(Failure::new(
                        EXIT_FAILURE,
                        format!("{} holds no node: run `sicc init` first", dir.display()),
                    ));
                }
                let (store, writer) = super::admin::open_stopped_store(dir).await?;
                Ok(Backend::Direct {
                    accounts: Accounts::new(store.clone()),
                    store,
                    writer,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Closes the store (waits for its writer) when it was opened here.
    async fn close(self) {
        if let Backend::Direct {
            accounts,
            store,
            writer,
        } = self
        {
            drop(accounts);
            super::admin::close_store(store, writer).await;
        }
    }
}

/// A password: asked twice on a terminal (not echoed), else the first line of standard input.
fn read_password(name: &str) -> Result<String, Failure> {
    use std::io::IsTerminal;
    let failed =
        |e: std::io::Error| Failure::new(EXIT_FAILURE, format!("reading the password: {e}"));
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {name}: ")).map_err(failed)?;
        let again = rpassword::prompt_password("Again: ").map_err(failed)?;
        if first != again {
            return Err(Failure::new(EXIT_USAGE, "the two passwords differ"));
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(failed)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

fn role(text: &str) -> Result<Role, Failure> {
    text.parse::<Role>()
        .map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))
}

pub async fn user(cli: &Cli, dir: &Path, command: &UserCommand) -> Result<(), Failure> {
    let backend = Backend::open(cli, dir).await?;
    let result = user_on(&backend, cli.json, command).await;
    backend.close().await;
    result
}

async fn user_on(backend: &Backend, json: bool, command: &UserCommand) -> Result<(), Failure> {
    let done = |text: String| {
        if !json {
            println!("{text}");
        }
    };
    match command {
        UserCommand::Add { name, role: r } => {
            let r = role(r)?;
            let password = read_password(name)?;
            match backend {
                Backend::Api(c) => {
                    c.post_json(
                        "/api/v1/admin/users",
                        &json!({"name": name, "role": r, "password": password}),
                    )
                    .await?;
                }
                Backend::Direct { accounts, .. } => accounts.add_user(name, r, &password).await?,
            }
            done(format!("user {name} added as {r}"));
        }
        UserCommand::List => {
            let users: Value = match backend {
                Backend::Api(c) => c.get("/api/v1/admin/users").await?,
                Backend::Direct { accounts, .. } => json!({"users": accounts.users().await?}),
            };
            if json {
                print_json(&users);
            } else {
                let rows = users["users"].as_array().cloned().unwrap_or_default();
                if rows.is_empty() {
                    println!(
                        "no users yet: add the first admin with `sicc user add NAME --role admin`"
                    );
                }
                for u in rows {
                    println!(
                        "{:<24} {:<10} {:<9} sessions {}  password changed {}",
                        plain(&u["name"]),
                        plain(&u["role"]),
                        if u["disabled"] == true {
                            "disabled"
                        } else {
                            "active"
                        },
                        plain(&u["sessions"]),
                        plain(&u["password_changed_at"])
                    );
                }
            }
        }
        UserCommand::Passwd { name } => {
            let password = read_password(name)?;
            change(backend, name, json!({"password": password})).await?;
            done(format!("password of {name} changed; its sessions ended"));
        }
        UserCommand::Role { name, role: r } => {
            let r = role(r)?;
            change(backend, name, json!({"role": r})).await?;
            done(format!("{name} is now {r}"));
        }
        UserCommand::Disable { name } => {
            change(backend, name, json!({"disabled": true})).await?;
            done(format!("{name} disabled; its sessions ended"));
        }
        UserCommand::Enable { name } => {
            change(backend, name, json!({"disabled": false})).await?;
            done(format!("{name} enabled"));
        }
    }
    Ok(())
}

async fn change(backend: &Backend, name: &str, body: Value) -> Result<(), Failure> {
    match backend {
        Backend::Api(c) => {
            c.patch_json(&format!("/api/v1/admin/users/{name}"), &body)
                .await?;
        }
        Backend::Direct { accounts, .. } => {
            if let Some(p) = body["password"].as_str() {
                accounts.set_password(name, p).await?;
            }
            if let Some(r) = body["role"].as_str() {
                accounts.set_role(name, role(r)?).await?;
            }
            if let Some(d) = body["disabled"].as_bool() {
                accounts.set_disabled(name, d).await?;
            }
        }
    }
    Ok(())
}

pub async fn token(cli: &Cli, dir: &Path, command: &TokenCommand) -> Result<(), Failure> {
    let backend = Backend::open(cli, dir).await?;
    let result = token_on(&backend, cli.json, command).await;
    backend.close().await;
    result
}

async fn token_on(backend: &Backend, json: bool, command: &TokenCommand) -> Result<(), Failure> {
    match command {
        TokenCommand::Create { name, role: r } => {
            let r = role(r)?;
            let made: Value = match backend {
                Backend::Api(c) => {
                    c.post_json("/api/v1/admin/tokens", &json!({"name": name, "role": r}))
                        .await?
                }
                Backend::Direct { accounts, .. } => {
                    let token = accounts.create_token(name, r, "local cli (admin)").await?;
                    json!({"name": name, "role": r, "token": token})
                }
            };
            if json {
                print_json(&made);
            } else {
                println!("{}", plain(&made["token"]));
                eprintln!(
                    "API token {name} ({r}) created. It is shown only now: send it as \
                     `Authorization: Bearer <token>`, or set SICC_TOKEN for the CLI."
                );
            }
        }
        TokenCommand::List => {
            let tokens: Value = match backend {
                Backend::Api(c) => c.get("/api/v1/admin/tokens").await?,
                Backend::Direct { accounts, .. } => json!({"tokens": accounts.tokens().await?}),
            };
            if json {
                print_json(&tokens);
            } else {
                for t in tokens["tokens"].as_array().cloned().unwrap_or_default() {
                    println!(
                        "{:<24} {:<10} created {} by {}  last used {}",
                        plain(&t["name"]),
                        plain(&t["role"]),
                        plain(&t["created_at"]),
                        plain(&t["created_by"]),
                        t["last_used_at"].as_str().unwrap_or("never")
                    );
                }
            }
        }
        TokenCommand::Revoke { name } => {
            match backend {
                Backend::Api(c) => c.delete(&format!("/api/v1/admin/tokens/{name}")).await?,
                Backend::Direct { accounts, .. } => accounts.revoke_token(name).await?,
            }
            if !json {
                println!("token {name} revoked");
            }
        }
    }
    Ok(())
}
