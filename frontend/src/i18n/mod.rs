//! Every word the app shows, in English and Spanish: one catalogue.
//!
//! [`Texts`] has one field per string, so a language missing a string does not compile.
//! Strings with values in them are templates with named `{placeholders}`, filled by
//! [`fill`]; the tests check that both languages use the same placeholders. The language
//! comes from the browser (`navigator.languages`), unless the person chose one with the switch
//! (kept in `localStorage`); `<html lang>` follows it.

use gloo::storage::{LocalStorage, Storage};
use serde::Serialize;
use yew::prelude::*;

/// A language of the interface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Spanish.
    Es,
}

const STORAGE_KEY: &str = "duet.lang";

impl Lang {
    /// Every language, in the order the switch offers them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The BCP 47 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
        }
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Es => "Español",
        }
    }

    /// The strings of this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::En => &EN,
            Self::Es => &ES,
        }
    }

    /// The first of the person's preferred languages (`navigator.languages`, best first)
    /// that Duet speaks; English if none.
    pub fn pick(preferred: &[String]) -> Self {
        preferred
            .iter()
            .find_map(|tag| {
                let primary = tag.split(['-', '_']).next().unwrap_or_default();
                match primary.to_ascii_lowercase().as_str() {
                    "en" => Some(Self::En),
                    "es" => Some(Self::Es),
                    _ => None,
                }
            })
            .unwrap_or_default()
    }

    /// The language to start with: the person's earlier choice, else the browser's.
    pub fn initial() -> Self {
        let chosen: Option<String> = LocalStorage::get(STORAGE_KEY).ok();
        if let Some(lang) = chosen.and_then(|c| Self::ALL.into_iter().find(|l| l.code() == c)) {
            return lang;
        }
        let preferred: Vec<String> = web_sys::window()
            .map(|w| {
                w.navigator()
                    .languages()
                    .iter()
                    .filter_map(|v| v.as_string())
                    .collect()
            })
            .unwrap_or_default();
        Self::pick(&preferred)
    }

    /// Remembers the person's choice and puts it on `<html lang>`.
    pub fn apply(self, remember: bool) {
        if remember {
            let _ = LocalStorage::set(STORAGE_KEY, self.code());
        }
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", self.code());
        }
    }
}

/// The strings of the current language (English outside a language context, e.g. in
/// component tests).
#[hook]
pub fn use_texts() -> &'static Texts {
    use_context::<Lang>().unwrap_or_default().texts()
}

/// Fills a template's `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// Every string of the interface in one language.
#[derive(Debug, Serialize)]
#[allow(missing_docs)] // The field names say what each string is for.
pub struct Texts {
    // Frame
    pub language: &'static str,
    pub room: &'static str,
    // Waiting for media
    pub media_title: &'static str,
    pub media_waiting: &'static str,
    // Media errors
    pub media_required_title: &'static str,
    pub media_required: &'static str,
    pub media_insecure: &'static str,
    pub media_insecure_todo: &'static str,
    pub media_refused: &'static str,
    pub media_refused_todo: &'static str,
    pub media_not_found: &'static str,
    pub media_not_found_todo: &'static str,
    pub media_not_readable: &'static str,
    pub media_not_readable_todo: &'static str,
    pub media_overconstrained: &'static str,
    pub media_overconstrained_todo: &'static str,
    pub media_blocked: &'static str,
    pub media_blocked_todo: &'static str,
    pub media_aborted: &'static str,
    pub media_aborted_todo: &'static str,
    pub media_other: &'static str,
    /// `{name}`, `{message}`: the browser's words.
    pub media_other_todo: &'static str,
    pub try_again: &'static str,
    // Room dialog
    pub join_title: &'static str,
    pub join_help: &'static str,
    pub room_name: &'static str,
    pub room_placeholder: &'static str,
    pub cancel: &'static str,
    pub join: &'static str,
    pub new_private_room: &'static str,
    pub private_room_hint: &'static str,
    pub hide_address: &'static str,
    pub hide_address_hint: &'static str,
    pub hide_address_no_relay: &'static str,
    pub hide_address_always: &'static str,
    pub no_relay: &'static str,
    pub name_needed: &'static str,
    /// `{n}`, `{max}`.
    pub name_too_long: &'static str,
    pub name_control: &'static str,
    /// `{room}`.
    pub room_full: &'static str,
    pub session_replaced: &'static str,
    /// `{message}`.
    pub refused: &'static str,
    pub notice_unavailable: &'static str,
    pub notice_too_many_joins: &'static str,
    // Call status
    pub status_joining: &'static str,
    pub status_waiting: &'static str,
    pub status_connecting: &'static str,
    pub status_connected: &'static str,
    pub status_reconnecting_peer: &'static str,
    pub status_reconnecting_continues: &'static str,
    pub status_reconnecting: &'static str,
    pub status_friend_left: &'static str,
    pub status_friend_dropped: &'static str,
    // Call screen
    /// `{room}`.
    pub call_label: &'static str,
    pub local_video: &'static str,
    pub remote_video: &'static str,
    pub start_video: &'static str,
    pub friend: &'static str,
    pub friend_muted: &'static str,
    pub friend_camera_off: &'static str,
    pub you_muted_camera_off: &'static str,
    pub you_muted: &'static str,
    pub your_camera_off: &'static str,
    pub copy_link: &'static str,
    pub link_copied: &'static str,
    /// `{link}`.
    pub copy_by_hand: &'static str,
    pub picture_in_picture: &'static str,
    pub full_screen: &'static str,
    pub not_available: &'static str,
    pub share_screen: &'static str,
    pub sharing_screen: &'static str,
    pub devices: &'static str,
    pub camera: &'static str,
    pub microphone: &'static str,
    pub device_failed: &'static str,
    /// `{device}`: the camera now in use, after the one in use went away.
    pub device_switched_camera: &'static str,
    /// `{device}`: the microphone now in use, after the one in use went away.
    pub device_switched_microphone: &'static str,
    pub device_none_camera: &'static str,
    pub device_none_microphone: &'static str,
    // Toolbar
    pub controls: &'static str,
    pub mute: &'static str,
    pub unmute: &'static str,
    pub camera_off: &'static str,
    pub camera_on: &'static str,
    pub chat: &'static str,
    /// `{count}`.
    pub unread: &'static str,
    /// `{count}`: the chat button's name when messages wait.
    pub chat_unread: &'static str,
    pub shortcuts: &'static str,
    pub leave: &'static str,
    // Chat
    pub hide_chat: &'static str,
    pub messages: &'static str,
    pub chat_empty: &'static str,
    pub you: &'static str,
    pub not_sent: &'static str,
    pub message: &'static str,
    pub message_placeholder: &'static str,
    pub send: &'static str,
    // Shortcuts
    pub shortcuts_intro: &'static str,
    pub shortcut_mic: &'static str,
    pub shortcut_camera: &'static str,
    pub shortcut_chat: &'static str,
    pub shortcut_leave: &'static str,
    pub shortcut_help: &'static str,
    pub close: &'static str,
    // Connection quality
    /// `{grade}`.
    pub connection: &'static str,
    pub good: &'static str,
    pub fair: &'static str,
    pub poor: &'static str,
    pub round_trip: &'static str,
    pub bitrate: &'static str,
    pub packet_loss: &'static str,
    pub resolution: &'static str,
    pub path: &'static str,
    pub path_direct: &'static str,
    pub path_relayed: &'static str,
    /// `{path}`: announced when the call's path changes.
    pub path_now: &'static str,
    // Audio only, on a thin uplink
    pub audio_only_offer: &'static str,
    pub audio_only: &'static str,
    pub audio_only_on: &'static str,
    pub video_again: &'static str,
    // Verification code
    pub verification_code: &'static str,
    pub verification_hint: &'static str,
    /// The names of the code's pictures, in [`crate::verification`]'s order (64).
    pub symbol_names: &'static [&'static str],
    // Private room names
    pub random_unavailable: &'static str,
    // Without JavaScript (kept in `index.html`'s `<noscript>` too; a test checks it is)
    pub noscript: &'static str,
}

/// English. The end-to-end tests and the interface contract match these words.
pub static EN: Texts = Texts {
    language: "Language",
    room: "Room",
    media_title: "Camera and microphone",
    media_waiting: "Waiting for your camera and microphone… If your browser asks, allow both.",
    media_required_title: "Camera and microphone required",
    media_required: "Duet needs both your camera and your microphone: they are required for a video call.",
    media_insecure: "This page was not opened securely, so the browser does not offer the camera and microphone to it at all.",
    media_insecure_todo: "Open Duet with an https:// address (or on localhost), then choose Try again.",
    media_refused: "Access to the camera and microphone was refused.",
    media_refused_todo: "Allow the camera and the microphone for this site in your browser's site settings (the camera or padlock icon next to the address), then choose Try again.",
    media_not_found: "No camera or microphone was found on this device.",
    media_not_found_todo: "Connect a camera and a microphone (or turn them on in your system settings), then choose Try again.",
    media_not_readable: "Your camera or microphone is there but could not be started. It may be busy in another app, or its driver or hardware may have a problem.",
    media_not_readable_todo: "Close other apps or tabs that use the camera or microphone (video calls, recorders), reconnect the device if needed, then choose Try again.",
    media_overconstrained: "Your camera or microphone cannot provide what the call asks for.",
    media_overconstrained_todo: "Connect another camera or microphone, or pick different ones in your system settings, then choose Try again.",
    media_blocked: "This page is not allowed to use the camera and microphone (a browser policy or the page embedding Duet blocks them).",
    media_blocked_todo: "Open Duet directly in its own tab, over https:// or on localhost, then choose Try again.",
    media_aborted: "Starting the camera and microphone was interrupted.",
    media_aborted_todo: "Check that they are connected, then choose Try again.",
    media_other: "The camera and microphone could not be started.",
    media_other_todo: "Check that they are connected and not used by another app, then choose Try again. (The browser said: {name}: {message})",
    try_again: "Try again",
    join_title: "Join a room",
    join_help: "Choose a name and share it with your friend. Whoever enters the same name joins your call.",
    room_name: "Room name",
    room_placeholder: "e.g. Sunday with Grandma",
    cancel: "Cancel",
    join: "Join",
    new_private_room: "New private room",
    private_room_hint: " a random name nobody can guess; share its link",
    hide_address: "Hide my address",
    hide_address_hint: "Calls go through the relay server, so your friend never learns your IP address (a little more delay).",
    hide_address_no_relay: "Not available: this service has no relay server, so calls can only be direct.",
    hide_address_always: "This service relays every call: your address is always hidden.",
    no_relay: "Your address could not be hidden: this service has no relay server, so the call did not start. Join again to call directly.",
    name_needed: "A room name is needed to start or join a call. Type the name you agreed on with your friend.",
    name_too_long: "That name is too long ({n} characters). A room name can have at most {max} characters.",
    name_control: "A room name cannot contain tabs, line breaks or invisible characters (such as zero-width spaces).",
    room_full: "The room “{room}” is full: two people are already in it. Choose another name.",
    session_replaced: "Your call moved to another tab or window. To bring it back here, join the room again.",
    refused: "The room could not be joined: {message}",
    notice_unavailable: "The service is briefly unable to reach its rooms. Reconnecting: your place in the room is kept.",
    notice_too_many_joins: "Too many joins from your network just now. Trying again in a few seconds…",
    status_joining: "Connecting to the room…",
    status_waiting: "Waiting for your friend to join",
    status_connecting: "Connecting to your friend…",
    status_connected: "Connected",
    status_reconnecting_peer: "Reconnecting to your friend…",
    status_reconnecting_continues: "Reconnecting to the service… your call continues",
    status_reconnecting: "Reconnecting to the service…",
    status_friend_left: "Your friend left. Waiting for them to return…",
    status_friend_dropped: "Your friend's connection dropped. Waiting for them to return…",
    call_label: "Call in room {room}",
    local_video: "Local video",
    remote_video: "Remote video",
    start_video: "Start video",
    friend: "Your friend",
    friend_muted: "Your friend muted their microphone",
    friend_camera_off: "Your friend turned their camera off",
    you_muted_camera_off: "You are muted, camera off",
    you_muted: "You are muted",
    your_camera_off: "Your camera is off",
    copy_link: "Copy link",
    link_copied: "Link copied",
    copy_by_hand: "Copy this link: {link}",
    picture_in_picture: "Picture in picture",
    full_screen: "Full screen",
    not_available: "Not available in this browser",
    share_screen: "Share screen",
    sharing_screen: "You are sharing your screen",
    devices: "Devices",
    camera: "Camera",
    microphone: "Microphone",
    device_failed: "That device could not be started. The previous one is still in use.",
    device_switched_camera: "Your camera was disconnected, so the call now uses {device}.",
    device_switched_microphone: "Your microphone was disconnected, so the call now uses {device}.",
    device_none_camera: "Your camera was disconnected and no other camera was found. Your friend cannot see you until you connect one and choose it under Devices.",
    device_none_microphone: "Your microphone was disconnected and no other microphone was found. Your friend cannot hear you until you connect one and choose it under Devices.",
    controls: "Call controls",
    mute: "Mute microphone",
    unmute: "Unmute microphone",
    camera_off: "Turn camera off",
    camera_on: "Turn camera on",
    chat: "Chat",
    unread: "{count} unread",
    chat_unread: "Chat, {count} unread",
    shortcuts: "Keyboard shortcuts",
    leave: "Leave",
    hide_chat: "Hide chat",
    messages: "Messages",
    chat_empty: "Messages go straight to your friend, never through our server.",
    you: "You",
    not_sent: "Not sent: you are not connected to your friend right now.",
    message: "Message",
    message_placeholder: "Write a message",
    send: "Send",
    shortcuts_intro: "In a call, when you are not typing in a text box:",
    shortcut_mic: "Mute or unmute the microphone",
    shortcut_camera: "Turn the camera off or on",
    shortcut_chat: "Show or hide the chat",
    shortcut_leave: "Leave the call",
    shortcut_help: "Show this list",
    close: "Close",
    connection: "Connection: {grade}",
    good: "Good",
    fair: "Fair",
    poor: "Poor",
    round_trip: "Round trip",
    bitrate: "Bitrate",
    packet_loss: "Packet loss",
    resolution: "Resolution",
    path: "Path",
    path_direct: "Direct",
    path_relayed: "Relayed",
    path_now: "Call path: {path}",
    audio_only_offer: "Your connection is too slow for video.",
    audio_only: "Audio only",
    audio_only_on: "Audio only: your video is paused to keep the call going.",
    video_again: "Send video again",
    verification_code: "Verification code",
    verification_hint: "Your friend sees the same pictures if nobody, not even the server, is listening in between. Read them out to check.",
    symbol_names: &[
        "dog",
        "cat",
        "fox",
        "bear",
        "panda",
        "koala",
        "tiger",
        "lion",
        "cow",
        "pig",
        "frog",
        "monkey",
        "chicken",
        "penguin",
        "owl",
        "butterfly",
        "turtle",
        "octopus",
        "whale",
        "dolphin",
        "crab",
        "snail",
        "bee",
        "unicorn",
        "cactus",
        "sunflower",
        "mushroom",
        "tree",
        "maple leaf",
        "moon",
        "star",
        "fire",
        "rainbow",
        "umbrella",
        "snowflake",
        "lightning",
        "apple",
        "banana",
        "grapes",
        "watermelon",
        "strawberry",
        "cherries",
        "carrot",
        "corn",
        "pizza",
        "doughnut",
        "cheese",
        "cake",
        "football",
        "guitar",
        "balloon",
        "gift",
        "key",
        "bell",
        "books",
        "pencil",
        "bicycle",
        "rocket",
        "sailboat",
        "train",
        "alarm clock",
        "parasol",
        "top hat",
        "glasses",
    ],
    random_unavailable: "This browser cannot make a random room name (it offers no secure random numbers). Type a name instead.",
    noscript: "Duet needs JavaScript and WebAssembly to make a video call.",
};

/// Spanish.
pub static ES: Texts = Texts {
    language: "Idioma",
    room: "Sala",
    media_title: "Cámara y micrófono",
    media_waiting: "Esperando tu cámara y tu micrófono… Si el navegador pregunta, permite ambos.",
    media_required_title: "Se necesitan la cámara y el micrófono",
    media_required: "Duet necesita tu cámara y tu micrófono: son imprescindibles para una videollamada.",
    media_insecure: "Esta página no se abrió de forma segura, así que el navegador no le ofrece la cámara ni el micrófono.",
    media_insecure_todo: "Abre Duet con una dirección https:// (o en localhost) y elige Reintentar.",
    media_refused: "Se denegó el acceso a la cámara y al micrófono.",
    media_refused_todo: "Permite la cámara y el micrófono para este sitio en la configuración del navegador (el icono de la cámara o del candado junto a la dirección) y elige Reintentar.",
    media_not_found: "No se encontró ninguna cámara ni micrófono en este dispositivo.",
    media_not_found_todo: "Conecta una cámara y un micrófono (o actívalos en la configuración del sistema) y elige Reintentar.",
    media_not_readable: "Tu cámara o tu micrófono están, pero no se pudieron iniciar. Puede que otra aplicación los esté usando o que el controlador o el hardware fallen.",
    media_not_readable_todo: "Cierra otras aplicaciones o pestañas que usen la cámara o el micrófono (videollamadas, grabadoras), vuelve a conectar el dispositivo si hace falta y elige Reintentar.",
    media_overconstrained: "Tu cámara o tu micrófono no pueden dar lo que pide la llamada.",
    media_overconstrained_todo: "Conecta otra cámara u otro micrófono, o elige otros en la configuración del sistema, y elige Reintentar.",
    media_blocked: "Esta página no tiene permiso para usar la cámara y el micrófono (lo impide una política del navegador o la página que incluye Duet).",
    media_blocked_todo: "Abre Duet directamente en su propia pestaña, con https:// o en localhost, y elige Reintentar.",
    media_aborted: "Se interrumpió el inicio de la cámara y el micrófono.",
    media_aborted_todo: "Comprueba que están conectados y elige Reintentar.",
    media_other: "No se pudieron iniciar la cámara y el micrófono.",
    media_other_todo: "Comprueba que están conectados y que ninguna otra aplicación los usa, y elige Reintentar. (El navegador dijo: {name}: {message})",
    try_again: "Reintentar",
    join_title: "Entrar en una sala",
    join_help: "Elige un nombre y compártelo con tu amigo. Quien escriba el mismo nombre entra en tu llamada.",
    room_name: "Nombre de la sala",
    room_placeholder: "p. ej. Domingo con la abuela",
    cancel: "Cancelar",
    join: "Entrar",
    new_private_room: "Nueva sala privada",
    private_room_hint: " un nombre al azar que nadie puede adivinar; comparte su enlace",
    hide_address: "Ocultar mi dirección",
    hide_address_hint: "Las llamadas pasan por el servidor de retransmisión, así tu amigo nunca conoce tu dirección IP (con algo más de retardo).",
    hide_address_no_relay: "No disponible: este servicio no tiene servidor de retransmisión, así que las llamadas solo pueden ser directas.",
    hide_address_always: "Este servicio retransmite todas las llamadas: tu dirección siempre queda oculta.",
    no_relay: "No se pudo ocultar tu dirección: este servicio no tiene servidor de retransmisión, así que la llamada no empezó. Vuelve a entrar para llamar directamente.",
    name_needed: "Hace falta el nombre de una sala para empezar o unirse a una llamada. Escribe el nombre que acordaste con tu amigo.",
    name_too_long: "Ese nombre es demasiado largo ({n} caracteres). El nombre de una sala puede tener como mucho {max} caracteres.",
    name_control: "El nombre de una sala no puede contener tabuladores, saltos de línea ni caracteres invisibles (como espacios de ancho cero).",
    room_full: "La sala «{room}» está llena: ya hay dos personas. Elige otro nombre.",
    session_replaced: "Tu llamada pasó a otra pestaña o ventana. Para traerla aquí, vuelve a entrar en la sala.",
    refused: "No se pudo entrar en la sala: {message}",
    notice_unavailable: "El servicio no puede llegar a sus salas por un momento. Reconectando: tu sitio en la sala se mantiene.",
    notice_too_many_joins: "Demasiadas entradas desde tu red ahora mismo. Volvemos a intentarlo en unos segundos…",
    status_joining: "Entrando en la sala…",
    status_waiting: "Esperando a que llegue tu amigo",
    status_connecting: "Conectando con tu amigo…",
    status_connected: "En llamada",
    status_reconnecting_peer: "Reconectando con tu amigo…",
    status_reconnecting_continues: "Reconectando con el servicio… tu llamada sigue",
    status_reconnecting: "Reconectando con el servicio…",
    status_friend_left: "Tu amigo se fue. Esperando a que vuelva…",
    status_friend_dropped: "Se cortó la conexión de tu amigo. Esperando a que vuelva…",
    call_label: "Llamada en la sala {room}",
    local_video: "Tu vídeo",
    remote_video: "Vídeo de tu amigo",
    start_video: "Iniciar vídeo",
    friend: "Tu amigo",
    friend_muted: "Tu amigo silenció su micrófono",
    friend_camera_off: "Tu amigo apagó su cámara",
    you_muted_camera_off: "Micrófono silenciado, cámara apagada",
    you_muted: "Micrófono silenciado",
    your_camera_off: "Tu cámara está apagada",
    copy_link: "Copiar enlace",
    link_copied: "Enlace copiado",
    copy_by_hand: "Copia este enlace: {link}",
    picture_in_picture: "Imagen dentro de imagen",
    full_screen: "Pantalla completa",
    not_available: "No disponible en este navegador",
    share_screen: "Compartir pantalla",
    sharing_screen: "Estás compartiendo tu pantalla",
    devices: "Dispositivos",
    camera: "Cámara",
    microphone: "Micrófono",
    device_failed: "No se pudo iniciar ese dispositivo. Sigue en uso el anterior.",
    device_switched_camera: "Tu cámara se desconectó, así que la llamada usa ahora {device}.",
    device_switched_microphone: "Tu micrófono se desconectó, así que la llamada usa ahora {device}.",
    device_none_camera: "Tu cámara se desconectó y no se encontró otra. Tu amigo no puede verte hasta que conectes una y la elijas en Dispositivos.",
    device_none_microphone: "Tu micrófono se desconectó y no se encontró otro. Tu amigo no puede oírte hasta que conectes uno y lo elijas en Dispositivos.",
    controls: "Controles de la llamada",
    mute: "Silenciar micrófono",
    unmute: "Activar micrófono",
    camera_off: "Apagar cámara",
    camera_on: "Encender cámara",
    chat: "Chat",
    unread: "{count} sin leer",
    chat_unread: "Chat, {count} sin leer",
    shortcuts: "Atajos de teclado",
    leave: "Salir",
    hide_chat: "Ocultar chat",
    messages: "Mensajes",
    chat_empty: "Los mensajes van directos a tu amigo, nunca pasan por nuestro servidor.",
    you: "Tú",
    not_sent: "No enviado: ahora mismo no estás conectado con tu amigo.",
    message: "Mensaje",
    message_placeholder: "Escribe un mensaje",
    send: "Enviar",
    shortcuts_intro: "En una llamada, cuando no estás escribiendo en un cuadro de texto:",
    shortcut_mic: "Silenciar o activar el micrófono",
    shortcut_camera: "Apagar o encender la cámara",
    shortcut_chat: "Mostrar u ocultar el chat",
    shortcut_leave: "Salir de la llamada",
    shortcut_help: "Mostrar esta lista",
    close: "Cerrar",
    connection: "Conexión: {grade}",
    good: "Buena",
    fair: "Regular",
    poor: "Mala",
    round_trip: "Ida y vuelta",
    bitrate: "Tasa de bits",
    packet_loss: "Pérdida de paquetes",
    resolution: "Resolución",
    path: "Ruta",
    path_direct: "Directa",
    path_relayed: "Retransmitida",
    path_now: "Ruta de la llamada: {path}",
    audio_only_offer: "Tu conexión es demasiado lenta para el vídeo.",
    audio_only: "Solo audio",
    audio_only_on: "Solo audio: tu vídeo está en pausa para que la llamada siga.",
    video_again: "Enviar vídeo de nuevo",
    verification_code: "Código de verificación",
    verification_hint: "Tu amigo ve los mismos dibujos si nadie, ni siquiera el servidor, escucha entre medias. Leedlos en voz alta para comprobarlo.",
    symbol_names: &[
        "perro",
        "gato",
        "zorro",
        "oso",
        "oso panda",
        "coala",
        "tigre",
        "león",
        "vaca",
        "cerdo",
        "rana",
        "mono",
        "gallina",
        "pingüino",
        "búho",
        "mariposa",
        "tortuga",
        "pulpo",
        "ballena",
        "delfín",
        "cangrejo",
        "caracol",
        "abeja",
        "unicornio",
        "cacto",
        "girasol",
        "seta",
        "árbol",
        "hoja de arce",
        "luna",
        "estrella",
        "fuego",
        "arcoíris",
        "paraguas",
        "copo de nieve",
        "rayo",
        "manzana",
        "plátano",
        "uvas",
        "sandía",
        "fresa",
        "cerezas",
        "zanahoria",
        "maíz",
        "porción de pizza",
        "rosquilla",
        "queso",
        "tarta",
        "balón",
        "guitarra",
        "globo",
        "regalo",
        "llave",
        "campana",
        "libros",
        "lápiz",
        "bicicleta",
        "cohete",
        "velero",
        "tren",
        "despertador",
        "sombrilla",
        "sombrero de copa",
        "gafas",
    ],
    random_unavailable: "Este navegador no puede crear un nombre de sala aleatorio (no ofrece números aleatorios seguros). Escribe un nombre.",
    noscript: "Duet necesita JavaScript y WebAssembly para hacer una videollamada.",
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn strings(texts: &Texts) -> Vec<(String, String)> {
        match serde_json::to_value(texts) {
            Ok(serde_json::Value::Object(map)) => map
                .into_iter()
                .flat_map(|(k, v)| match v {
                    // A list (the pictures' names) counts string by string.
                    serde_json::Value::Array(items) => items
                        .into_iter()
                        .enumerate()
                        .map(|(i, item)| {
                            (
                                format!("{k}.{i}"),
                                item.as_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect::<Vec<_>>(),
                    other => vec![(k, other.as_str().unwrap_or_default().to_owned())],
                })
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
            .collect()
    }

    #[wasm_bindgen_test]
    fn every_string_exists_in_both_languages_with_the_same_placeholders() {
        let (en, es) = (strings(&EN), strings(&ES));
        assert_eq!(en.len(), es.len());
        for ((key, english), (_, spanish)) in en.iter().zip(&es) {
            assert!(!english.trim().is_empty(), "English {key} is empty");
            assert!(!spanish.trim().is_empty(), "Spanish {key} is empty");
            assert_eq!(placeholders(english), placeholders(spanish), "{key}");
        }
        // Translated, not copied (a few words are the same in both).
        let same: Vec<_> = en
            .iter()
            .zip(&es)
            .filter(|((_, a), (_, b))| a == b)
            .map(|((k, _), _)| k.as_str())
            .collect();
        assert_eq!(same, ["chat"], "untranslated: {same:?}");
    }

    #[wasm_bindgen_test]
    fn the_interface_contract_words() {
        assert!(ES.room_name.contains("Nombre de la sala"));
        assert!(EN.room_name.contains("Room name"));
        assert_eq!((EN.join, EN.cancel), ("Join", "Cancel"));
        assert!(EN.status_waiting.contains("Waiting for your friend"));
    }

    #[wasm_bindgen_test]
    fn the_browser_languages_pick_the_first_one_spoken() {
        let langs = |tags: &[&str]| tags.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(Lang::pick(&langs(&["es-ES", "en"])), Lang::Es);
        assert_eq!(Lang::pick(&langs(&["fr-FR", "es-MX", "en"])), Lang::Es);
        assert_eq!(Lang::pick(&langs(&["en-GB", "es"])), Lang::En);
        assert_eq!(Lang::pick(&langs(&["de", "fr"])), Lang::En);
        assert_eq!(Lang::pick(&[]), Lang::En);
    }

    #[wasm_bindgen_test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill(EN.name_too_long, &[("n", "70"), ("max", "64")]),
            "That name is too long (70 characters). A room name can have at most 64 characters."
        );
        assert_eq!(fill(ES.unread, &[("count", "3")]), "3 sin leer");
    }

    #[wasm_bindgen_test]
    fn the_page_without_javascript_says_it_in_both_languages() {
        let page = include_str!("../index.html");
        let noscript = page
            .split_once("<noscript>")
            .and_then(|(_, rest)| rest.split_once("</noscript>"))
            .map(|(inside, _)| inside);
        let Some(noscript) = noscript else {
            panic!("index.html has no <noscript>")
        };
        for lang in Lang::ALL {
            assert!(
                noscript.contains(lang.texts().noscript)
                    && noscript.contains(&format!("lang=\"{}\"", lang.code())),
                "{lang:?} missing from <noscript>: {noscript}"
            );
        }
    }
}
