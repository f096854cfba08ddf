// The AudioWorklet processor behind "Strong noise suppression": RNNoise, compiled from the
// workspace's `denoise/` crate, between the microphone and the peer connection.
//
// Loading: an AudioWorklet's global scope has no fetch, no TextDecoder and no dynamic import,
// so the page fetches and compiles `denoise.wasm` itself (WebAssembly.compileStreaming, allowed
// by the CSP's 'wasm-unsafe-eval') and hands the compiled WebAssembly.Module to this processor in
// `processorOptions.module` (a Module is structured-cloneable within the page's agent cluster).
// Here it is only instantiated, with no imports: the module needs none.
//
// Protocol on `this.port`, processor to page: {type: 'ready', delay, sampleRate} once it runs,
// {type: 'failed', message} if it cannot (the page then keeps sending the microphone as it is).
//
// Built into dist/denoise/ by scripts/build-denoise.sh (Trunk's post_build hook), out of the
// first load: nothing fetches it until the switch is turned on.

/** Status codes of `duet_denoise_process` (denoise/src/exports.rs, `Status`). */
const STATUS = { 0: 'ok', [-1]: 'not started', [-2]: 'block too long' };

class DuetDenoise extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.running = false;
    try {
      const module = options && options.processorOptions && options.processorOptions.module;
      if (!(module instanceof WebAssembly.Module)) {
        throw new TypeError('processorOptions.module is not a WebAssembly.Module');
      }
      // Synchronous, so that the first quantum is already denoised; the module is compiled,
      // and the main thread's limit on synchronous instantiation does not apply to worklets.
      this.wasm = new WebAssembly.Instance(module, {}).exports;
      this.wasm.duet_denoise_init();
      this.capacity = this.wasm.duet_denoise_capacity();
      this.mapBlocks();
      this.running = true;
      this.port.postMessage({ type: 'ready', delay: this.wasm.duet_denoise_delay(), sampleRate });
    } catch (error) {
      this.fail(error);
    }
  }

  /** Float32Array views on the module's input and output blocks. */
  mapBlocks() {
    const memory = this.wasm.memory.buffer;
    this.input = new Float32Array(memory, this.wasm.duet_denoise_input(), this.capacity);
    this.output = new Float32Array(memory, this.wasm.duet_denoise_output(), this.capacity);
  }

  fail(error) {
    this.running = false;
    this.port.postMessage({ type: 'failed', message: String((error && error.message) || error) });
  }

  process(inputs, outputs) {
    const out = outputs[0];
    if (!this.running || out.length === 0) {
      // Outputs start silent; staying alive lets the page see 'failed' and swap tracks back.
      return true;
    }
    const frames = out[0].length;
    try {
      // The module allocates everything in init, so its memory should never grow; if it did,
      // the old views would be detached.
      if (this.input.buffer !== this.wasm.memory.buffer) {
        this.mapBlocks();
      }
      const mic = inputs[0];
      // The node mixes its input down to one channel (channelCount 1, 'explicit'); with the
      // input disconnected there are no channels, and the suppressor hears silence.
      if (mic.length > 0) {
        this.input.set(mic[0]);
      } else {
        this.input.fill(0, 0, frames);
      }
      const status = this.wasm.duet_denoise_process(frames);
      if (status !== 0) {
        this.fail(new Error(`denoise: ${STATUS[status] || status} (${frames} samples)`));
        return true;
      }
      const denoised = this.output.subarray(0, frames);
      for (const channel of out) {
        channel.set(denoised);
      }
    } catch (error) {
      // A trap in the module (a Rust panic aborts): report it rather than go silent.
      this.fail(error);
    }
    return true;
  }
}

registerProcessor('duet-denoise', DuetDenoise);
