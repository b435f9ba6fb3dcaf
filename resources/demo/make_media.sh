#!/usr/bin/env bash
# Regenerates the synthetic demo media for the Evidence Desk demo case:
#   dispatch-audio.flac, dispatch-audio.segments.json  (espeak-ng + sox)
#   dispatcher-memo.png                               (make_memo.py, Pillow)
#
# Everything is synthetic and produced offline. Needs: espeak-ng, sox (with
# FLAC support, soxi), and a Python 3 with Pillow (PYTHON=..., default: the
# repo's .venv if present, else python3) plus the DejaVu Sans Mono font.
#
# Usage:  resources/demo/make_media.sh            # regenerate both
#         resources/demo/make_media.sh audio      # only the audio
#         resources/demo/make_media.sh memo       # only the memo scan
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$REPO/.venv/bin/python" ]; then PYTHON="$REPO/.venv/bin/python"; else PYTHON=python3; fi
fi
WHAT="${1:-all}"
RATE=16000

make_audio() {
  local work; work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN

  # speaker | espeak-ng voice | words/min | pitch | per-speaker colouring (sox effects) | text
  # Dispatcher: female, close to the console mic.
  # Off-mic voice: male, picked up faintly by the dispatcher's mic (quieter, roomy, duller).
  # Officer: male, on a car/portable radio (driven harder, a little more hiss).
  local -a SPK VOICE WPM PITCH FX TEXT
  SPK[1]="Dispatcher";          VOICE[1]="en-us+f3"; WPM[1]=172; PITCH[1]=55
  FX[1]="gain -n -3"
  TEXT[1]="Younger male Hispanic wearing all black, wanted for the hit and run, this guy fled from the scene."
  SPK[2]="Dispatcher";          VOICE[2]="en-us+f3"; WPM[2]=172; PITCH[2]=55
  FX[2]="gain -n -3"
  TEXT[2]="When the offending vehicle crashed, they ran the federal agent off the road, they fled on foot westbound."
  SPK[3]="Male voice (off-mic)"; VOICE[3]="en-us+m3"; WPM[3]=160; PITCH[3]=40
  FX[3]="lowpass 2200 reverb 35 50 60 gain -n -13"
  TEXT[3]="Per the chief of patrol: clear everybody out, we're not responding over there."
  SPK[4]="Dispatcher";          VOICE[4]="en-us+f3"; WPM[4]=172; PITCH[4]=55
  FX[4]="gain -n -3"
  TEXT[4]="Per the chief of patrol, all units clear out from there, we're not sending anybody out to that location."
  SPK[5]="Officer";             VOICE[5]="en-us+m7"; WPM[5]=185; PITCH[5]=45
  FX[5]="overdrive 8 20 gain -n -4"
  TEXT[5]="We're blocked in over here, we're going to do the best we can to get out of here as soon as we can."

  # silence after each line (seconds); LEAD = silence before the first line.
  # RADIO[i]=1 -> a short squelch burst ("kssht") right after the line, inside the pause.
  local LEAD=0.60
  local -a GAP RADIO
  GAP[1]=0.70; RADIO[1]=1
  GAP[2]=1.20; RADIO[2]=1
  GAP[3]=0.80; RADIO[3]=0
  GAP[4]=1.60; RADIO[4]=1
  GAP[5]=0.90; RADIO[5]=1

  local fmt=(-r "$RATE" -c 1 -b 16 -e signed-integer)
  local parts=() ; local pos=0 ; local i n
  : > "$work/segments.tsv"

  sox -R -n "${fmt[@]}" "$work/lead.wav" trim 0 "$LEAD"
  parts+=("$work/lead.wav"); pos=$(soxi -s "$work/lead.wav")
  # squelch tail: 0.14 s of band-limited noise with a fast decay
  sox -R -n "${fmt[@]}" "$work/squelch.wav" synth 0.14 whitenoise sinc 500-3000 fade q 0.005 0.14 0.10 gain -n -16

  for i in 1 2 3 4 5; do
    espeak-ng -v "${VOICE[$i]}" -s "${WPM[$i]}" -p "${PITCH[$i]}" -w "$work/raw$i.wav" "${TEXT[$i]}"
    # trim espeak's leading/trailing silence so the segment bounds are the speech bounds
    sox -R "$work/raw$i.wav" "${fmt[@]}" "$work/u$i.wav" \
        silence 1 0.02 0.3% reverse silence 1 0.02 0.3% reverse \
        rate -v "$RATE" ${FX[$i]}
    n=$(soxi -s "$work/u$i.wav")
    printf '%s\t%s\t%s\t%s\n' "$pos" "$((pos + n))" "${SPK[$i]}" "${TEXT[$i]}" >> "$work/segments.tsv"
    parts+=("$work/u$i.wav"); pos=$((pos + n))
    if [ "${RADIO[$i]}" = 1 ]; then
      parts+=("$work/squelch.wav"); pos=$((pos + $(soxi -s "$work/squelch.wav")))
      sox -R -n "${fmt[@]}" "$work/g$i.wav" trim 0 "$(echo "${GAP[$i]} - 0.14" | bc -l)"
    else
      sox -R -n "${fmt[@]}" "$work/g$i.wav" trim 0 "${GAP[$i]}"
    fi
    parts+=("$work/g$i.wav"); pos=$((pos + $(soxi -s "$work/g$i.wav")))
  done

  sox -R "${parts[@]}" "$work/clean.wav"                  # plain concatenation
  local total; total=$(soxi -s "$work/clean.wav")
  [ "$total" -eq "$pos" ] || { echo "length mismatch: $total vs $pos" >&2; exit 1; }

  # background: low hiss, exactly as long as the speech track
  sox -R -n "${fmt[@]}" "$work/noise.wav" synth "${total}s" pinknoise gain -n -38
  # mix, then the radio channel: band-pass 300-3400 Hz, light compression, peak-normalise to -4 dBFS
  sox -R -D -m -v 1 "$work/clean.wav" -v 1 "$work/noise.wav" "${fmt[@]}" "$work/radio.wav" \
      sinc 300-3400 compand 0.01,0.20 -60,-60,-30,-18,0,-6 -5 -90 0.05 gain -n -4
  [ "$(soxi -s "$work/radio.wav")" -eq "$total" ] || { echo "effects changed the length" >&2; exit 1; }

  sox -R -D "$work/radio.wav" -C 8 --comment "" "$work/out.flac"
  [ "$(soxi -s "$work/out.flac")" -eq "$total" ] || { echo "FLAC length mismatch" >&2; exit 1; }

  "$PYTHON" - "$work/segments.tsv" "$RATE" "$work/segments.json" <<'PY'
import json, sys
tsv, rate, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
segs = []
for line in open(tsv, encoding="utf-8"):
    a, b, spk, text = line.rstrip("\n").split("\t")
    segs.append({"start": round(int(a) / rate, 2), "end": round(int(b) / rate, 2),
                 "speaker": spk, "text": text})
with open(out, "w", encoding="utf-8") as f:
    json.dump(segs, f, indent=2, ensure_ascii=False)
    f.write("\n")
PY
  # copy beside the targets, then rename: readers never see a half-written file
  cp "$work/out.flac" "$HERE/.dispatch-audio.flac.tmp"
  cp "$work/segments.json" "$HERE/.dispatch-audio.segments.json.tmp"
  mv -f "$HERE/.dispatch-audio.flac.tmp" "$HERE/dispatch-audio.flac"
  mv -f "$HERE/.dispatch-audio.segments.json.tmp" "$HERE/dispatch-audio.segments.json"
  echo "wrote $HERE/dispatch-audio.flac ($(soxi -d "$HERE/dispatch-audio.flac"), $(stat -c %s "$HERE/dispatch-audio.flac") bytes)"
  echo "wrote $HERE/dispatch-audio.segments.json"
}

make_memo() {
  "$PYTHON" "$HERE/make_memo.py" "$HERE/dispatcher-memo.png"
}

case "$WHAT" in
  all)   make_audio; make_memo ;;
  audio) make_audio ;;
  memo)  make_memo ;;
  *) echo "usage: $0 [all|audio|memo]" >&2; exit 2 ;;
esac
