"""Word error rate and real-time factor of the two Whisper models `scripts/prepare-model`
prepares (tiny.en and the multilingual base), on the same clips: espeak-ng speech in
four languages and a real recording (alsa-utils' Front_Center.wav), each transcribed
three times by `native-worker extract` on 2 threads (median time; the model loaded
once per run). Prints a Markdown table for BENCHMARKS.md.

    python3 tests/bench/whisper_models.py
"""

import json
import statistics
import subprocess
import sys
import tempfile
import wave

CLIPS = [
    ("espeak en", "en-us", "Please send the quarterly report to the finance team before Friday afternoon."),
    ("espeak es", "es", "Buenos días. Hoy vamos a la playa con mis amigos."),
    ("espeak fr", "fr", "Bonjour. Je voudrais un café et un croissant, s'il vous plaît."),
    ("espeak de", "de", "Guten Morgen. Das Wetter ist heute sehr schön, und wir gehen in den Park."),
    ("recorded en", None, "Front center."),
]


def words(text):
    return ["".join(c for c in w.lower() if c.isalnum()) for w in text.split() if any(c.isalnum() for c in w)]


def wer(reference, hypothesis):
    r, h = words(reference), words(hypothesis)
    row = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, row[0] = row[0], i
        for j, hw in enumerate(h, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (rw != hw))
    return row[len(h)] / max(len(r), 1)


def main():
    model = lambda name: subprocess.run(["scripts/prepare-model", name], check=True, capture_output=True, text=True).stdout.strip()
    models = {"tiny.en": model("tiny.en"), "base": model("base")}
    print("| clip | seconds | model | language | WER | median ms | RTF |\n|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, voice, text in CLIPS:
            path = f"{tmp}/{name.replace(' ', '-')}.wav"
            if voice:
                subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-w", path, text], check=True)
            else:
                path = "/usr/share/sounds/alsa/Front_Center.wav"
            with wave.open(path) as w:
                seconds = w.getnframes() / w.getframerate()
            for label, file in models.items():
                out = subprocess.run(
                    ["target/release/native-worker", "extract", "--whisper-model", file, "--whisper-threads", "2", "--repeat", "3", path],
                    check=True, capture_output=True, text=True,
                ).stdout
                runs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
                ms = statistics.median(r["extract_ms"] for r in runs)
                heard = runs[-1]["text"]
                language = runs[-1].get("layout", {}).get("language", "")
                print(f"| {name} | {seconds:.1f} | {label} | {language} | {wer(text, heard):.2f} | {ms:.0f} | {ms / 1000 / seconds:.2f} |")
                sys.stdout.flush()


if __name__ == "__main__":
    main()
