//go:build !linux

package camera

func openCamera(Config) (Camera, error) { return nil, ErrNoCamera }

func listCameras() []Info { return nil }
