// Loads a Compose file with Docker Compose's own loader (compose-go), which checks it against the
// Compose specification's schema, resolves anchors, merges and interpolation, and prints the
// services it found, so the tests can see the file is what Docker Compose would run.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: composecheck FILE")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err != nil {
		fail(err)
	}
	options, err := cli.NewProjectOptions([]string{file}, cli.WithOsEnv, cli.WithName("spark-workbench"))
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	type service struct {
		Image   string            `json:"image"`
		Command []string          `json:"command"`
		Ports   []string          `json:"ports"`
		Volumes []string          `json:"volumes"`
		Env     map[string]string `json:"environment"`
	}
	services := map[string]service{}
	for name, s := range project.Services {
		one := service{Image: s.Image, Command: s.Command, Env: map[string]string{}}
		for _, p := range s.Ports {
			one.Ports = append(one.Ports, fmt.Sprintf("%s:%s:%d", p.HostIP, p.Published, p.Target))
		}
		for _, v := range s.Volumes {
			one.Volumes = append(one.Volumes, fmt.Sprintf("%s:%s", v.Source, v.Target))
		}
		for key, value := range s.Environment {
			if value != nil {
				one.Env[key] = *value
			}
		}
		services[name] = one
	}
	out, _ := json.Marshal(map[string]any{"name": project.Name, "services": services})
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
