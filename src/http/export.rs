//! `/export/{format}`: the CLI's single-file exports over HTTP, streamed as they are written so
//! that memory stays flat however large the store. CSV tables come one at a time from
//! `/export/csv/{table}` (`projects`, ..., or `edges`).

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

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

/// Longest an export waits for its client to take the next chunk before it gives up, so that a
/// client that stops reading frees its export slot and thread.
const STALL_TIMEOUT: Duration = Duration::from_secs(30);

/// An `io::Write` that hands full chunks to the response stream, waiting while the client
/// is slow to read, so the exporter never runs ahead of the network by more than a few chunks.
struct ChannelWriter {
    buffer: Vec<u8>,
    sender: mpsc::Sender<Result<Bytes, std::io::Error>>,
    runtime: tokio::runtime::Handle,
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
        let sent = self.runtime.block_on(tokio::time::timeout(
            STALL_TIMEOUT,
            self.sender.send(Ok(chunk)),
        ));
        match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the client went away",
            )),
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("the client read nothing for {} s", STALL_TIMEOUT.as_secs()),
            )),
        }
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

/// Runs `write` on a blocking thread and streams what it writes as the response body, if one
/// of the export slots is free; 503 with `Retry-After` if not.
fn stream(
    state: &AppState,
    content_type: &'static str,
    filename: String,
    write: impl FnOnce(&crate::store::Store, ChannelWriter) -> Result<(), ExportError> + Send + 'static,
) -> HttpResponse {
    let Ok(slot) = Arc::clone(&state.export_slots).try_acquire_owned() else {
        return HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .insert_header((header::RETRY_AFTER, "5"))
            .body(format!(
                "the server is running its limit of {} exports at once; retry shortly\n",
                state.limits.max_concurrent_exports
            ));
    };
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let store = state.live.current();
    let errors = sender.clone();
    let runtime = tokio::runtime::Handle::current();
    // Log lines of the export carry the request's span, and so its request ID.
    let span = tracing::Span::current();
    actix_web::rt::task::spawn_blocking(move || {
        let _span = span.enter();
        let _slot = slot;
        let writer = ChannelWriter {
            buffer: Vec::with_capacity(CHUNK),
            sender,
            runtime: runtime.clone(),
        };
        if let Err(error) = write(&store, writer) {
            // Headers are gone by now; ending the stream with an error makes the client see a
            // broken transfer rather than a file that looks complete.
            tracing::warn!(%error, "export stopped");
            let _ = runtime.block_on(tokio::time::timeout(
                STALL_TIMEOUT,
                errors.send(Err(std::io::Error::other("export failed"))),
            ));
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
