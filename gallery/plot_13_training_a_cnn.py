"""
Training a CNN from scratch
===========================

The network of :doc:`plot_11_tiny_cnn` only ran forward, with weights that
nobody had trained. Here a network of the same shape learns to read
handwritten digits, with nothing but convlib's forward and backward functions
and a few lines of NumPy: no autograd, no framework. You will learn what each
piece of a training step computes (the forward pass, the softmax
cross-entropy loss, the backward pass through every layer, where
:func:`convlib.conv2d_backward` and :func:`convlib.max_pool2d_backward` come
in, and the update of the weights), how well a short training does on digits
the network has never seen, what the first layer's kernels look like once
learned, and that PyTorch, started from the same weights and fed the same
mini-batches, follows the same loss to float64 rounding.
"""

# %%
# The digits
# ----------
# scikit-learn ships a small set of handwritten digits, each an 8x8 image of
# grey levels from 0 to 16, inside the package itself (nothing is
# downloaded). Divided by 16 and given a channel axis, they form an NCHW batch
# of values in ``[0, 1]``. A fixed random generator shuffles them once; 500
# are held out for testing and never used in training (the sizes are printed
# below). One example of each class, from the training images:

import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits

import convlib
from convlib import viz

rng = np.random.default_rng(0)  # a fixed random generator: the same run each time

digits = load_digits()
images = (digits.images / 16)[:, None]  # (n, 1, 8, 8): NCHW, values in [0, 1]
order = rng.permutation(len(images))
test, train = order[:500], order[500:]
x_train, y_train = images[train], digits.target[train]
x_test, y_test = images[test], digits.target[test]
print(f"training images: {x_train.shape}, test images: {x_test.shape}")

first = [np.flatnonzero(y_train == digit)[0] for digit in range(10)]
titles = [f"label {y_train[k]}" for k in first]
fig, _ = viz.show_images(list(x_train[first, 0]), titles, ncols=5, width=6.5)
fig.suptitle("One training image of each digit (8x8 pixels)")
plt.show()

# %%
# The network
# -----------
# Four layers, the stack of :doc:`plot_11_tiny_cnn` on a smaller image:
#
# 1. a 3x3 convolution from 1 to 8 channels with padding 1, which keeps the
#    8x8 size;
# 2. a ReLU, ``max(z, 0)``, value by value;
# 3. a 2x2 max pooling with stride 2, down to 4x4;
# 4. a 4x4 convolution from 8 to 10 channels without padding. Its kernel is as
#    large as its input, so it has a single output position: each of the 10
#    output channels is a weighted sum of all 8 x 4 x 4 = 128 pooled values,
#    plus a bias. That is a dense (fully connected) layer, written as a
#    convolution; its 10 outputs are the scores (logits) of the 10 digits.
#
# The first layer has 8 x 9 weights and 8 biases, the last 10 x 128 weights
# and 10 biases. The difference is the point of a convolution: its eight
# small kernels are shared by all 64 positions of the image, while the dense
# layer has its own weight for every pooled value and every digit.
#
# The weights start random, drawn from a normal distribution whose variance is
# 2 over each output's number of inputs for the first layer (9: one 3x3
# window) and 1 over it for the last (128). Scaled this way, the values keep
# about the same size from layer to layer (the factor 2 makes up for the half
# of the values that the ReLU sets to zero), and the first steps neither
# vanish nor explode. The biases start at zero. A copy of the starting weights
# is kept, for PyTorch to start from the same ones.

params = {
    "w1": rng.normal(0, np.sqrt(2 / 9), (8, 1, 3, 3)),  # OIHW
    "b1": np.zeros(8),
    "w2": rng.normal(0, np.sqrt(1 / 128), (10, 8, 4, 4)),  # OIHW
    "b2": np.zeros(10),
}
initial = {name: value.copy() for name, value in params.items()}

# %%
# The forward pass
# ----------------
# The forward pass applies the layers in turn. Besides the logits, it returns
# what the backward pass will need: the input of each convolution (its
# kernel's gradient is built from it) and the values before the ReLU and
# before the pooling (they tell where the gradient may pass). The shapes of a
# first batch of 32 images, layer after layer, are printed below.


def forward(params, x):
    """Logits (n, 10) of a batch x (n, 1, 8, 8), and what backward needs."""
    z1 = convlib.conv2d(x, params["w1"], params["b1"], padding=1)  # (n, 8, 8, 8)
    a1 = np.maximum(z1, 0)  # ReLU
    p1 = convlib.max_pool2d(a1, 2)  # (n, 8, 4, 4)
    logits = convlib.conv2d(p1, params["w2"], params["b2"])  # (n, 10, 1, 1)
    return logits[:, :, 0, 0], (x, z1, a1, p1)


logits, cache = forward(params, x_train[:32])
x, z1, a1, p1 = cache
print("image", x.shape, "-> conv, ReLU", a1.shape, end=" ")
print("-> max pool", p1.shape, "-> logits", logits.shape)

# %%

# Check: a 4x4 convolution over a 4x4 map is a dense layer on the 128 values
dense = p1.reshape(len(p1), -1) @ params["w2"].reshape(10, -1).T + params["b2"]
np.testing.assert_allclose(logits, dense, rtol=1e-12, atol=1e-14)

# %%
# The loss: softmax and cross-entropy
# -----------------------------------
# The softmax turns the 10 logits :math:`s_k` of an image into probabilities
# :math:`p_k = e^{s_k} / \sum_j e^{s_j}`, and the cross-entropy is
# :math:`-\log p_y` for the true label :math:`y`, averaged over the batch: 0
# when the network is certain and right, large when it is confident and wrong.
# Its gradient with respect to the logits is remarkably simple:
#
# .. math::
#
#     \frac{\partial L}{\partial s_k} = \frac{1}{n}\,(p_k - [k = y]),
#
# the predicted probabilities minus the one-hot label, divided by the batch
# size :math:`n`. Subtracting each row's largest logit first changes no
# probability and keeps ``exp`` from overflowing. Before training, the loss
# is close to that of a uniform guess over the 10 digits, :math:`\ln 10`
# (both printed below): the random weights favour no digit.


def cross_entropy(logits, labels):
    """Mean cross-entropy of softmax(logits), and its gradient (n, 10)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    grad = np.exp(log_p)  # the probabilities p
    grad[rows, labels] -= 1  # minus the one-hot labels
    return -log_p[rows, labels].mean(), grad / len(labels)


loss, grad_logits = cross_entropy(logits, y_train[:32])
print(f"loss before training: {loss:.3f}; ln 10 = {np.log(10):.3f}")

# %%
# The backward pass, layer by layer
# ---------------------------------
# The chain rule walks the layers in reverse order, each turning the gradient
# of the loss with respect to its output into the gradients with respect to
# its input and its weights:
#
# * **The last convolution.** :func:`convlib.conv2d_backward` takes the layer's
#   input, its kernel and the upstream gradient (here the logits' gradient,
#   given back its 1x1 spatial axes) and returns three gradients: of the input
#   (a transposed convolution of the upstream gradient with the kernel), of the
#   kernel (a correlation of the input with the upstream gradient) and of the
#   bias (a sum over the batch and the positions). The input's gradient is
#   what flows on to the layer below.
# * **The max pooling** has no weights. Its output is the largest value of each
#   2x2 window, so a small change of any other value of the window changes
#   nothing: :func:`convlib.max_pool2d_backward` hands each window's gradient
#   to the one cell that won it, and zero to the three others.
# * **The ReLU** passes the gradient where its input was positive and blocks
#   it where the input was negative or zero (where it output zero).
# * **The first convolution** gets its kernel's and bias's gradients from
#   ``conv2d_backward`` again. Its input gradient is not needed (the images are
#   not learned); the im2col method, ``method="gemm"``, computes it quickly on
#   images this small.


def backward(params, cache, grad_logits):
    """Gradients of the loss with respect to every weight, by name."""
    x, z1, a1, p1 = cache
    grad_out = grad_logits[:, :, None, None]  # (n, 10, 1, 1), as the conv's output
    grad_p1, grad_w2, grad_b2 = convlib.conv2d_backward(p1, params["w2"], grad_out)
    grad_a1 = convlib.max_pool2d_backward(a1, grad_p1, kernel_size=2)
    grad_z1 = grad_a1 * (z1 > 0)  # the ReLU passes it where z1 > 0
    _, grad_w1, grad_b1 = convlib.conv2d_backward(  # gemm: im2col, quick here
        x, params["w1"], grad_z1, padding=1, method="gemm"
    )
    return {"w1": grad_w1, "b1": grad_b1, "w2": grad_w2, "b2": grad_b2}


grads = backward(params, cache, grad_logits)
for name, grad in grads.items():
    print(f"gradient of {name}: {grad.shape}")

# %%
# Each gradient has the shape of its weight array (printed above), so the
# update will be one subtraction per array. The bias gradients are sums over
# the batch and over all the positions where the bias was added: 64 positions
# per image for the first layer, one for the last.
#
# The pooling's routing is easiest to see on one image and one channel. Left,
# the channel after the ReLU, with the winner of each 2x2 window highlighted
# (:func:`convlib.max_pool2d_backward` with a gradient of ones marks them).
# Middle, the gradient arriving at the pooled 4x4 map. Right, the gradient
# after the pooling's backward pass: each of the 16 numbers lands on its
# window's winner, everything else is zero. In a window of zeros every cell
# ties; the first one (top left) wins, as in PyTorch, and the ReLU then
# blocks its gradient anyway. (The gradients are shown times 1000: one image
# of a batch of 32 contributes small numbers.)

grad_p1 = convlib.conv2d_backward(p1, params["w2"], grad_logits[..., None, None])[0]
grad_a1 = convlib.max_pool2d_backward(a1, grad_p1, kernel_size=2)
winners = convlib.max_pool2d_backward(a1, np.ones_like(p1), kernel_size=2) == 1
c = a1[0].sum(axis=(1, 2)).argmax()  # the most active channel of image 0
panels = [
    ("after ReLU (winners)", a1, {"highlight": winners[0, c], "face": "white"}),
    ("gradient at pooled map", 1000 * grad_p1, {"cmap": "RdBu_r"}),
    ("gradient to the winners", 1000 * grad_a1, {"cmap": "RdBu_r"}),
]
size = {"figsize": (7.5, 3.4), "width_ratios": [8, 4, 8]}
fig, axes = plt.subplots(1, 3, layout="constrained", **size)
for ax, (title, values, options) in zip(axes, panels):
    options |= {"title": title, "fmt": ".1f", "fontsize": 9}
    viz.draw_grid(ax, values[0, c] + 0.0, **options)  # + 0.0: no "-0.0"
fig.suptitle(f"max_pool2d_backward, image 0, channel {c}")
plt.show()

# %%

# Check: the pooling's backward pass moves every gradient, only to the winners
assert np.isclose(grad_a1.sum(), grad_p1.sum())
assert not grad_a1[~winners].any()
assert winners.sum() == p1.size  # one winner per window: 2x2 windows do not overlap

# %%
# PyTorch's autograd, given the same network and weights, differentiates the
# same loss on the same batch; the loss and all four gradients agree with
# convlib's to float64 rounding (the largest relative differences are printed
# below).

# %%

# Check against PyTorch autograd: the loss and every gradient of one step
torch.set_num_threads(1)  # tensors this small run fastest on one thread


def torch_model(weights):
    """The same four layers in PyTorch (float64), holding copies of ``weights``."""
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 10, 4),
        torch.nn.Flatten(),  # (n, 10, 1, 1) -> (n, 10)
    ).double()
    with torch.no_grad():  # parameters in the order w1, b1, w2, b2
        for name, parameter in zip(weights, model.parameters()):
            parameter.copy_(torch.from_numpy(weights[name]))
    return model


model = torch_model(params)
labels = torch.from_numpy(y_train[:32])
torch_loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), labels)
torch_loss.backward()
np.testing.assert_allclose(loss, torch_loss.item(), rtol=1e-12)
for name, parameter in zip(grads, model.parameters()):
    torch_grad = parameter.grad.numpy()
    gap = np.abs(grads[name] - torch_grad).max() / np.abs(torch_grad).max()
    print(f"grad of {name}: relative difference {gap:.1e}")
    np.testing.assert_allclose(grads[name], torch_grad, rtol=1e-10, atol=1e-15)

# %%
# Training
# --------
# Each step takes a mini-batch of 32 training images, runs the forward pass,
# the loss and the backward pass, and moves every weight against its
# gradient. The update is stochastic gradient descent with momentum: for each
# weight array :math:`w` with gradient :math:`g`, a velocity :math:`v`
# (starting at zero) accumulates the gradients, and the weight moves along
# it,
#
# .. math::
#
#     v \leftarrow \mu v + g, \qquad w \leftarrow w - \eta v,
#
# with momentum :math:`\mu = 0.9` and step size :math:`\eta = 0.05`.
# Gradients that point the same way from batch to batch add up, while the
# noise of single batches partly cancels, so the weights move faster along
# the directions that matter. One pass over the shuffled training set is an
# epoch (the last batch of each holds the few images left over); the training
# runs 15 of them. The mini-batches of every step are kept, for PyTorch to
# train on the same ones, and the training measures its own time (printed
# below): each step is a handful of operations on small arrays, so the whole
# training is short.

epochs, batch_size, step_size, momentum = 15, 32, 0.05, 0.9
velocity = {name: np.zeros_like(value) for name, value in params.items()}
losses, batches = [], []
start = time.perf_counter()
for _ in range(epochs):
    shuffled = rng.permutation(len(x_train))
    for first in range(0, len(shuffled), batch_size):
        batch = shuffled[first : first + batch_size]
        logits, cache = forward(params, x_train[batch])
        loss, grad_logits = cross_entropy(logits, y_train[batch])
        grads = backward(params, cache, grad_logits)
        for name in params:
            velocity[name] = momentum * velocity[name] + grads[name]
            params[name] = params[name] - step_size * velocity[name]
        losses.append(loss)
        batches.append(batch)
seconds = time.perf_counter() - start
print(f"training time: {seconds:.1f} s for {len(losses)} steps")

# %%
# The loss of every mini-batch is noisy, since each batch holds other images;
# its mean over each epoch (the dots) falls steadily. The logarithmic scale
# shows two phases: a fast drop in the first epoch, as the network learns
# the coarse shapes of the digits, then a slow decline, as it sorts out the
# harder cases.

epoch_means = np.mean(np.reshape(losses, (epochs, -1)), axis=1)
epoch_ends = len(losses) // epochs * np.arange(1, epochs + 1)
fig, ax = plt.subplots(figsize=(6.5, 3.6), layout="constrained")
ax.semilogy(losses, lw=0.8, color="0.6", label="one mini-batch")
ax.semilogy(epoch_ends, epoch_means, "o-", label="mean over the epoch")
ax.set(xlabel="training step", ylabel="cross-entropy loss")
ax.set_title("Training loss (convlib forward and backward passes)")
ax.legend()
plt.show()

# %%
# Test accuracy
# -------------
# The test images have never been used for training, so they measure how
# well the network generalises rather than how well it remembers. Its answer
# for an image is the digit with the largest logit (the largest probability);
# the accuracy is the share of test images it gets right. The accuracy on the
# training images (printed first) is a little higher, as it usually is: the
# network has seen those, and it has learned a few of their quirks as well as
# the shapes that all digits of a class share.

train_predictions = forward(params, x_train)[0].argmax(axis=1)
print(f"training accuracy: {np.mean(train_predictions == y_train):.3f}")
test_logits, test_cache = forward(params, x_test)
predictions = test_logits.argmax(axis=1)
accuracy = np.mean(predictions == y_test)
print(f"test accuracy: {accuracy:.3f}")

# %%
# Below, a few test digits with the network's answers: the first eight of the
# test set, then the first four it gets wrong (in red), titled with the
# answer and the true label. At 8x8 pixels, several of the mistakes are hard
# to read for a person too.

wrong = np.flatnonzero(predictions != y_test)
shown = [*range(8), *wrong[:4]]
titles = [f"answer {predictions[k]}" for k in shown[:8]]
titles += [f"{predictions[k]}, true {y_test[k]}" for k in shown[8:]]
fig, axes = viz.show_images(list(x_test[shown, 0]), titles, ncols=6, width=7.5)
for ax in axes.ravel()[8:]:
    ax.title.set_color("tab:red")  # the mistakes
fig.suptitle("Test digits and the network's answers")
plt.show()

# %%
# What the first layer learned
# ----------------------------
# The eight 3x3 kernels of the first convolution started as random numbers;
# below they are after training, on one colour scale (red positive, blue
# negative). They are not the clean edge detectors of
# :doc:`plot_08_learning_a_kernel`: nothing asked them to be, only to help
# the last layer tell the digits apart, and on images this small a 3x3
# window covers a good part of a stroke. Still, several have a positive side
# next to a negative one, which responds to the edge of a stroke in one
# direction, or a positive line of three weights, which follows a stroke.

w1 = params["w1"][:, 0]  # (8, 3, 3)
limit = np.abs(w1).max()
fig, axes = plt.subplots(2, 4, figsize=(6.5, 3.8), layout="constrained")
for k, ax in enumerate(axes.ravel()):
    grid = {"cmap": "RdBu_r", "vmin": -limit, "vmax": limit, "fontsize": 10}
    viz.draw_grid(ax, w1[k] + 0.0, title=f"kernel {k}", fmt=".1f", **grid)
fig.suptitle("First-layer kernels after training (shared colour scale)")
plt.show()

# %%
# Each kernel gives one feature map. Here five of the eight maps of the first
# test digit, after the ReLU: they light up along different parts of its
# strokes. The pooling keeps the strongest response of each 2x2 block, and
# the last layer reads the digit off these 8 x 4 x 4 values.

maps = [x_test[0, 0], *test_cache[2][0, :5]]  # the digit, then maps after ReLU
titles = [f"test digit ({y_test[0]})"] + [f"map {k}" for k in range(5)]
fig, _ = viz.show_images(maps, titles, cmap="magma", ncols=6, width=7.5)
fig.suptitle("The first test digit and five of its feature maps")
plt.show()

# %%
# The same training in PyTorch
# ----------------------------
# The same four layers in PyTorch (``torch.nn.Conv2d``, ``ReLU``,
# ``MaxPool2d``, ``Conv2d``, in float64), started from the same weights and
# trained with ``torch.optim.SGD`` (the same step size and momentum) on the
# same mini-batches, follow the same loss, step for step: over the first 50
# steps the two losses differ by float64 rounding only (the largest relative
# difference is printed below). Matching that closely needs more than the
# same formulas: where several cells of a pooling window tie, both must pick
# the same winner, and :func:`convlib.max_pool2d_backward` picks PyTorch's.

# %%

# Check against PyTorch: the same training, the same loss over the first 50 steps
model = torch_model(initial)
optimizer = torch.optim.SGD(model.parameters(), lr=step_size, momentum=momentum)
torch_losses = []
for batch in batches[:50]:
    optimizer.zero_grad()
    batch_logits = model(torch.from_numpy(x_train[batch]))
    labels = torch.from_numpy(y_train[batch])
    torch_loss = torch.nn.functional.cross_entropy(batch_logits, labels)
    torch_loss.backward()
    optimizer.step()
    torch_losses.append(torch_loss.item())
gap = np.abs(np.array(losses[:50]) / torch_losses - 1).max()
print(f"first 50 steps, loss: max relative difference {gap:.1e}")
np.testing.assert_allclose(losses[:50], torch_losses, rtol=1e-10)

# %%
# Trying it yourself
# ------------------
# The training is short, so it invites experiments. Set ``momentum = 0``
# and the same number of steps leaves the loss several times higher: plain
# gradient descent needs a larger step size or more epochs. Make the step
# size ten times larger (``0.5``) and the training breaks down: the loss stays
# near :math:`\ln 10` and the network guesses. Replace the generator's
# number in ``default_rng`` and the split, the starting weights and the
# batches all change; the test accuracy moves a little. Give the first layer
# more channels (change the 8 in ``w1``, ``b1`` and ``w2``) or
# remove the pooling (then the last kernel must be 8x8), and watch the
# accuracy and the training time; make the same change to the PyTorch model
# in the folded checks, and they say whether PyTorch still agrees.

# %%
# What to take away
# -----------------
# * A training step is a forward pass, a loss, a backward pass and an update;
#   with convlib the backward pass is the forward pass in reverse, one
#   function per layer.
# * :func:`convlib.conv2d_backward` returns the gradients of a convolution's
#   input, kernel and bias: the kernel's and bias's to update the layer, the
#   input's to pass on to the layer below.
# * :func:`convlib.max_pool2d_backward` routes each window's gradient to the
#   cell that won it; the ReLU passes gradients only where its input was
#   positive.
# * The softmax cross-entropy has the gradient "probabilities minus one-hot
#   labels": the place where every backward pass starts.
# * The same network, weights and batches in PyTorch give the same losses to
#   float64 rounding: convlib's backward functions are autograd's, written out.

# sphinx_gallery_thumbnail_number = 3
