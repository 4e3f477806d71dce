//! `/export/{format}`: the CLI's single-file exports over HTTP, streamed as they are written so
//! that memory stays flat however large the store. CSV tables come one at a time from
//! `/export/csv/{table}` (`projects`, ..., or `edges`).

use std::io::Write;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use tokio::sync::mpsc;

use super::AppState;
use crate::export::{self, ExportError, FileFormat, Kinds};
use crate::model::Kind;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/export/csv/{table}", web::get().to(csv_table))
        .route("/export/{format}", web::get().to(file));
}

#[derive(Deserialize)]
struct Params {
    /// Comma-separated node kinds, as `--kinds` takes them.
    kinds: Option<String>,
}

/// Chunks a response body is cut into.
const CHUNK: usize = 64 * 1024;

/// An `io::Write` that hands full chunks to the response stream, waiting while the client
/// is slow to read, so the exporter never runs ahead of the network by more than a few chunks.
struct ChannelWriter {
    buffer: Vec<u8>,
    sender: mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.sender.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
        })
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

fn bad_request(message: String) -> HttpResponse {
    HttpResponse::BadRequest()
        .content_type("text/plain; charset=utf-8")
        .body(message + "\n")
}

/// Runs `write` on a blocking thread and streams what it writes as the response body.
fn stream(
    state: &AppState,
    content_type: &'static str,
    filename: String,
    write: impl FnOnce(&crate::store::Store, ChannelWriter) -> Result<(), ExportError> + Send + 'static,
) -> HttpResponse {
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let store = std::sync::Arc::clone(&state.store);
    let errors = sender.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let writer = ChannelWriter {
            buffer: Vec::with_capacity(CHUNK),
            sender,
        };
        if let Err(error) = write(&store, writer) {
            // Headers are gone by now; ending the stream with an error makes the client see a
            // broken transfer rather than a file that looks complete.
            tracing::warn!(%error, "export stopped");
            let _ = errors.blocking_send(Err(std::io::Error::other("export failed")));
        }
    });
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    });
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body)
}

async fn file(
    format: web::Path<String>,
    params: web::Query<Params>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let Some(file_format) = FileFormat::parse(&format) else {
        return bad_request(format!(
            "unknown export format `{format}`; use ndjson, json, graphml, geojson, or csv/<table>"
        ));
    };
    let kinds = match params.kinds.as_deref().map(Kinds::parse).transpose() {
        Ok(kinds) => kinds.unwrap_or_else(Kinds::all),
        Err(error) => return bad_request(error.to_string()),
    };
    if file_format == FileFormat::Geojson
        && !(kinds.contains(Kind::Project) || kinds.contains(Kind::Zone))
    {
        return bad_request("geojson holds projects and zones; `kinds` names neither".into());
    }
    let filename = format!("capgraph.{format}");
    stream(
        &state,
        file_format.content_type(),
        filename,
        move |store, mut out| {
            file_format.write(store, &kinds, &mut out, &|_| {})?;
            out.flush()?;
            Ok(())
        },
    )
}

async fn csv_table(table: web::Path<String>, state: web::Data<AppState>) -> HttpResponse {
    let table = table.into_inner();
    let kind = Kind::ALL
        .into_iter()
        .find(|k| k.plural() == table.trim_end_matches(".csv"));
    if kind.is_none() && table.trim_end_matches(".csv") != "edges" {
        let tables: Vec<&str> = Kind::ALL
            .iter()
            .map(|k| k.plural())
            .chain(["edges"])
            .collect();
        return bad_request(format!(
            "unknown CSV table `{table}`; use one of {}",
            tables.join(", ")
        ));
    }
    let filename = format!("{}.csv", table.trim_end_matches(".csv"));
    stream(
        &state,
        "text/csv; charset=utf-8",
        filename,
        move |store, mut out| {
            match kind {
                Some(kind) => export::csv::write_table(store, kind, &mut out)?,
                None => export::csv::write_edges(store, &Kinds::all(), &mut out)?,
            };
            out.flush()?;
            Ok(())
        },
    )
}
