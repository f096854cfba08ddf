//! Files in the chat: "Send file", and each file sent or received with its progress bar
//! (`<progress>`, role `progressbar`, named "Sending …"/"Receiving …"), its Cancel while it is
//! under way, and, once a received file has passed its check, a link named with the file's
//! name that downloads it.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::browser::files::PickedFile;
use crate::call::session::{FileRefusal, FileView};
use crate::call::transfer::{Direction, Failure, Phase, Who};
use crate::i18n::{fill, use_texts, Texts};

/// Props of [`SendFile`].
#[derive(Properties, PartialEq)]
pub struct SendFileProps {
    /// Offers a picked file to the friend; answers why not, if it does not go.
    pub on_send: Callback<PickedFile, Result<(), FileRefusal>>,
}

/// The "Send file" control: a file input, shown as a button, and why a file did not go.
#[function_component]
pub fn SendFile(props: &SendFileProps) -> Html {
    let t = use_texts();
    let refusal = use_state(|| None::<(String, FileRefusal)>);
    let onchange = {
        let refusal = refusal.clone();
        let on_send = props.on_send.clone();
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = PickedFile::take_from(&input) else {
                return;
            };
            let name = file.name();
            refusal.set(on_send.emit(file).err().map(|why| (name, why)));
        })
    };
    html! {
        <div class="send-file">
            // The input itself stays in the tab order (visually hidden): the label is its face.
            <input id="send-file" class="send-file-input visually-hidden" type="file" {onchange} />
            <label for="send-file" class="button secondary small send-file-button">
                { t.send_file }
            </label>
            if let Some((name, why)) = &*refusal {
                <p class="alert" role="alert">{ refusal_text(name, *why, t) }</p>
            }
        </div>
    }
}

/// Props of [`FileList`].
#[derive(Properties, PartialEq)]
pub struct FileListProps {
    /// The call's transfers.
    pub files: Vec<FileView>,
    /// Stops a transfer (which way it goes, its number).
    pub on_cancel: Callback<(Direction, u32)>,
}

/// The files of the call, newest last.
#[function_component]
pub fn FileList(props: &FileListProps) -> Html {
    let t = use_texts();
    if props.files.is_empty() {
        return html! {};
    }
    html! {
        <ul class="files" aria-label={t.files}>
            { for props.files.iter().map(|file| file_item(file, &props.on_cancel, t)) }
        </ul>
    }
}

fn file_item(file: &FileView, on_cancel: &Callback<(Direction, u32)>, t: &Texts) -> Html {
    let (way, progress_name) = match file.direction {
        Direction::Outgoing => ("outgoing", t.file_sending),
        Direction::Incoming => ("incoming", t.file_receiving),
    };
    let name_id = format!("file-{way}-{}", file.id);
    let active = matches!(
        file.phase,
        Phase::Offered | Phase::Sending { .. } | Phase::Sent | Phase::Receiving { .. }
    );
    let tone = match file.phase {
        Phase::Done => "done",
        Phase::Cancelled(_) | Phase::Failed(_) => "stopped",
        _ => "active",
    };
    let cancel = {
        let (on_cancel, direction, id) = (on_cancel.clone(), file.direction, file.id);
        Callback::from(move |_: MouseEvent| on_cancel.emit((direction, id)))
    };
    html! {
        <li class={classes!("file", way, tone)}>
            <div class="file-head">
                <span class="file-icon" aria-hidden="true">
                    { if file.direction == Direction::Outgoing { "↑" } else { "↓" } }
                </span>
                if let Some(url) = &file.url {
                    <a id={name_id.clone()} class="file-name" href={url.clone()}
                        download={file.name.clone()}>{ file.name.clone() }</a>
                } else {
                    <span id={name_id.clone()} class="file-name">{ file.name.clone() }</span>
                }
                <span class="file-size">{ size_text(file.size, t) }</span>
            </div>
            if active || file.phase == Phase::Done {
                <progress class="file-progress" max="100" value={file.percent.to_string()}
                    aria-label={fill(progress_name, &[("name", &file.name)])} />
            }
            <div class="file-foot">
                <p class="file-state">{ phase_text(file.direction, file.phase, t) }</p>
                if active {
                    <button type="button" class="button secondary small" onclick={cancel}
                        aria-describedby={name_id}>
                        { t.cancel }
                    </button>
                }
            </div>
        </li>
    }
}

/// Where a transfer stands, in words.
fn phase_text(direction: Direction, phase: Phase, t: &Texts) -> String {
    match phase {
        Phase::Done if direction == Direction::Outgoing => t.file_sent.to_owned(),
        Phase::Offered => t.file_waiting.to_owned(),
        Phase::Sending { .. } | Phase::Receiving { .. } => t.file_in_progress.to_owned(),
        Phase::Sent => t.file_checking.to_owned(),
        Phase::Done => t.file_received.to_owned(),
        Phase::Cancelled(Who::Me) => t.file_cancelled.to_owned(),
        Phase::Cancelled(Who::Friend) => t.file_cancelled_by_friend.to_owned(),
        Phase::Failed(Failure::Damaged) => t.file_damaged.to_owned(),
        Phase::Failed(Failure::TooLarge { max }) => {
            fill(t.file_over_limit, &[("max", &size_text(max, t))])
        }
        Phase::Failed(Failure::ConnectionLost) => t.file_connection_lost.to_owned(),
        Phase::Failed(Failure::Unreadable) => t.file_unreadable.to_owned(),
    }
}

/// Why a picked file did not go, in words.
fn refusal_text(name: &str, why: FileRefusal, t: &Texts) -> String {
    match why {
        FileRefusal::TooLarge { max } => fill(
            t.file_too_large,
            &[("name", name), ("max", &size_text(max, t))],
        ),
        FileRefusal::NotConnected => t.file_not_connected.to_owned(),
    }
}

/// A size as people read it: "830 B", "12 KB", "20.9 MB", "2 GB" (decimal units, at most one
/// decimal, none when it is zero). Integer arithmetic: float formatting would cost the
/// download more than this.
pub fn size_text(bytes: u64, t: &Texts) -> String {
    const UNITS: [(u64, &str); 3] = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB")];
    let Some((unit, name)) = UNITS.into_iter().find(|(unit, _)| bytes >= *unit) else {
        return format!("{bytes} B");
    };
    let tenth = unit / 10;
    let tenths = bytes.saturating_add(tenth / 2) / tenth;
    match (tenths / 10, tenths % 10) {
        (whole, 0) => format!("{whole} {name}"),
        (whole, tenth) => format!("{whole}{}{tenth} {name}", t.decimal_mark),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ES};
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(0, &EN), "0 B");
        assert_eq!(size_text(999, &EN), "999 B");
        assert_eq!(size_text(1_000, &EN), "1 KB");
        assert_eq!(size_text(20_971_520, &EN), "21 MB");
        assert_eq!(size_text(20_450_000, &EN), "20.5 MB");
        assert_eq!(size_text(20_450_000, &ES), "20,5 MB");
        assert_eq!(size_text(2_000_000_000, &EN), "2 GB");
        assert_eq!(size_text(u64::MAX, &EN), "18446744073.7 GB");
    }
}
