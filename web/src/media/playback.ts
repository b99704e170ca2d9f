// Starting playback: with sound when the browser allows it, else muted with an "unmute" button
// (mobile browsers refuse unmuted autoplay until the person taps).

export async function playWithSound(video: HTMLVideoElement, unmuteButton: HTMLButtonElement): Promise<void> {
  unmuteButton.onclick = () => {
    video.muted = false;
    void video.play();
    unmuteButton.classList.add('hidden');
  };
  if (!video.paused) return;
  try {
    video.muted = false;
    await video.play();
    unmuteButton.classList.add('hidden');
  } catch {
    video.muted = true;
    try {
      await video.play();
    } catch {
      // not even muted playback: the tap on the button will start it
    }
    unmuteButton.classList.remove('hidden');
  }
}
