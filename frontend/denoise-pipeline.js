// The page's half of "Strong noise suppression": builds the audio graph around the worklet.
//
//   microphone track → MediaStreamAudioSourceNode → AudioWorkletNode 'duet-denoise'
//                    → MediaStreamAudioDestinationNode → its track, for the call to send
//
// Imported only when the switch is first turned on (`window.duetDenoise` in boot.js, which
// browser/denoise.rs calls), so that none of this weighs on the app's first load. The worklet's global scope cannot fetch, so the module is fetched and
// compiled here (WebAssembly.compileStreaming, which the CSP's 'wasm-unsafe-eval' allows) and
// the compiled WebAssembly.Module goes to the processor in `processorOptions`
// (denoise-worklet.js). Everything is resolved against this file's own URL: the three files
// are built side by side into dist/denoise/ (scripts/build-denoise.sh).

/** Compiled once per page, however often the switch is flipped. */
let compiled = null;

/** RNNoise's model is for 48 kHz: the browser resamples the microphone into the context. */
const SAMPLE_RATE = 48000;

/**
 * The suppressor's node in `context` (an AudioContext, or an OfflineAudioContext for a
 * measurement), running the compiled `module`; its port says `ready` or `failed` first.
 */
export async function denoiseNode(context, module) {
  await context.audioWorklet.addModule(new URL('worklet.js', import.meta.url));
  return new AudioWorkletNode(context, 'duet-denoise', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    // Mono in: a stereo microphone is mixed down before the processor.
    channelCount: 1,
    channelCountMode: 'explicit',
    processorOptions: { module },
  });
}

/**
 * Starts the suppressor on `mic`. Resolves, once the processor runs, to
 * `{track, attach(mic), stop()}`: the denoised track to send, a way to denoise another
 * microphone into the same track, and the way to stop it all. Rejects (with an Error) if it
 * cannot start; `onFailed(message)` hears of a failure after the start.
 */
export async function start(mic, onFailed) {
  compiled ??= WebAssembly.compileStreaming(fetch(new URL('denoise.wasm', import.meta.url)));
  let module;
  try {
    module = await compiled;
  } catch (error) {
    compiled = null; // a network failure may pass: try again next time
    throw error;
  }
  const context = new AudioContext({ sampleRate: SAMPLE_RATE });
  try {
    const node = await denoiseNode(context, module);
    const first = new Promise((resolve) => {
      let started = false;
      node.port.onmessage = ({ data }) => {
        if (!started) {
          started = true;
          resolve(data);
        } else if (data.type === 'failed') {
          onFailed(String(data.message));
        }
      };
    });
    node.onprocessorerror = () => onFailed('the processor stopped');
    // A context made without a recent click starts suspended, and a suspended graph sends
    // silence: wait until it runs (the app starts it after a click on Join or on the switch,
    // which lets the page start audio), so the friend never gets a mute track.
    if (context.state !== 'running') await context.resume();
    const report = await first;
    if (report.type !== 'ready') throw new Error(String(report.message));

    const destination = context.createMediaStreamDestination();
    node.connect(destination);
    const [track] = destination.stream.getAudioTracks();
    let source = null;
    const attach = (next) => {
      const nextSource = context.createMediaStreamSource(new MediaStream([next]));
      nextSource.connect(node);
      source?.disconnect();
      source = nextSource;
    };
    attach(mic);
    return {
      track,
      attach,
      stop() {
        source?.disconnect();
        node.disconnect();
        track.stop();
        // Frees the audio thread's share of the machine.
        context.close();
      },
    };
  } catch (error) {
    context.close();
    throw error;
  }
}
