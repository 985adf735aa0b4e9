// AudioWorklet for /submit: mixes the microphone input down to mono and posts it to
// the page in chunks of Float32 samples. "stop" flushes the last chunk, then "done".
class TdsRecorder extends AudioWorkletProcessor {
  constructor() {
    super();
    this.buf = new Float32Array(2048);
    this.n = 0;
    this.running = true;
    this.port.onmessage = (e) => {
      if (e.data === "stop") {
        this.flush();
        this.running = false;
        this.port.postMessage("done");
      }
    };
  }

  flush() {
    if (this.n === 0) return;
    const out = this.buf.slice(0, this.n);
    this.port.postMessage(out, [out.buffer]);
    this.n = 0;
  }

  process(inputs) {
    if (!this.running) return false;
    const input = inputs[0];
    if (input && input.length > 0) {
      const channels = input.length;
      const frames = input[0].length;
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += input[c][i];
        this.buf[this.n++] = sum / channels;
        if (this.n === this.buf.length) this.flush();
      }
    }
    return true;
  }
}

registerProcessor("tds-recorder", TdsRecorder);
